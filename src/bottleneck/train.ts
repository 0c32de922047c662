import { inferShapes } from '../analysis/infer.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { type EpochStats, fit } from '../train/fit.js';
import { differentiableAt } from '../ops/op.js';
import { type Accuracy, accuracyOf } from './evaluate.js';
import { type Bottleneck, type BottleneckOptions, insertBottleneck } from './insert.js';

export interface BottleneckTrainOptions extends BottleneckOptions {
  readonly epochs: number;
  /** default 64 */
  readonly batch?: number;
  /** Adam learning rate, default 1e-3 */
  readonly lr?: number;
  /** also train the weights after the cut (default: only the autoencoder) */
  readonly fineTuneTail?: boolean;
  readonly threads?: number;
  readonly onStep?: (info: { readonly epoch: number; readonly step: number; readonly steps: number; readonly loss: number; readonly accuracy: number }) => void;
  readonly onEpoch?: (stats: EpochStats) => void;
}

export interface BottleneckResult {
  readonly bottleneck: Bottleneck;
  /** the trained model with the autoencoder in place */
  readonly model: ModelProto;
  readonly history: readonly EpochStats[];
  /** test accuracy of the model with the trained autoencoder */
  readonly accuracy: number;
  /** the same per (true) class */
  readonly perClass: Accuracy['perClass'];
  /** the weights after the cut that were fine-tuned (empty unless `fineTuneTail`) */
  readonly trained: readonly string[];
  readonly seconds: number;
}

/** Learned weights after `from`: float initializers read at a differentiable input of a downstream node. */
export function tailWeights(model: ModelProto, from: string, exclude: ReadonlySet<string>): string[] {
  const g = graphFromModel(model);
  const { rules } = inferShapes(g, { batch: 1 });
  const reached = new Set([from]);
  const out = new Set<string>();
  g.nodes.forEach((n, i) => {
    if (!n.input.some((t) => reached.has(t))) return;
    for (const o of n.output) reached.add(o);
    const rule = rules[i];
    n.input.forEach((t, k) => {
      const init = g.initializers.get(t);
      if (init && init.dataType === 1 && !exclude.has(t) && rule && differentiableAt(rule, k)) out.add(t);
    });
  });
  return [...out];
}

/**
 * Inserts the bottleneck at `at` and trains it with cleave's trainer (softmax cross-entropy
 * on the model's logits; Adam): only the autoencoder's weights, or with `fineTuneTail` also
 * the weights after it. BatchNormalization runs in training mode everywhere (the trainer's
 * mode), so frozen BN layers keep their learned scale and shift and re-estimate their running
 * statistics on the same data. Returns the trained model and its test accuracy.
 */
export async function trainBottleneck(model: ModelProto, at: string, train: ImageDataset, test: ImageDataset, options: BottleneckTrainOptions): Promise<BottleneckResult> {
  const t0 = performance.now();
  const batch = options.batch ?? 64;
  if (train.count < batch) throw new BadRequestError(`${train.count} training images are fewer than one batch of ${batch}`);
  const bottleneck = insertBottleneck(model, at, options);
  const own = new Set([...bottleneck.params, ...bottleneck.buffers]);
  const decoded = bottleneck.model;
  const tail = options.fineTuneTail ? tailWeights(decoded, bottleneck.code, own) : [];
  const trainable = [...bottleneck.params, ...tail];
  const result = await fit(decoded, train, undefined, {
    batch,
    epochs: options.epochs,
    optimizer: { kind: 'adam', lr: options.lr ?? 1e-3 },
    trainable,
    threads: options.threads,
    seed: options.seed,
    onStep: options.onStep,
    onEpoch: options.onEpoch,
  });
  const { accuracy, perClass } = await accuracyOf(result.model, test, { threads: options.threads });
  return { bottleneck, model: result.model, history: result.history, accuracy, perClass, trained: tail, seconds: (performance.now() - t0) / 1000 };
}
