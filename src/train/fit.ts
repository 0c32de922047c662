import type { ModelProto } from '../onnx/types.js';
import { batches } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { Trainer, type TrainerOptions } from './trainer.js';

export interface EpochStats {
  readonly epoch: number;
  readonly loss: number;
  /** accuracy on the training batches during the epoch (before each update) */
  readonly trainAccuracy: number;
  /** accuracy on the evaluation set after the epoch, when one is given */
  readonly testAccuracy?: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
  /** with several trained outputs: each one's mean loss and training accuracy over the epoch */
  readonly outputs?: readonly { readonly logits: string; readonly loss: number; readonly trainAccuracy: number }[];
}

export interface FitOptions extends TrainerOptions {
  readonly epochs: number;
  /** shuffling seed (epoch e uses seed + e) */
  readonly seed?: number;
  /** 'cosine' decays the learning rate to 0 over all steps; default 'constant' */
  readonly schedule?: 'constant' | 'cosine';
  /** called after every step with the running figures of the epoch */
  readonly onStep?: (info: { readonly epoch: number; readonly step: number; readonly steps: number; readonly loss: number; readonly accuracy: number }) => void;
  readonly onEpoch?: (stats: EpochStats) => void;
}

export interface FitResult {
  /** the inference model with the trained weights */
  readonly model: ModelProto;
  readonly history: readonly EpochStats[];
}

/** Trains a classifier for some epochs and returns the trained inference model. */
export async function fit(model: ModelProto, train: ImageDataset, test: ImageDataset | undefined, options: FitOptions): Promise<FitResult> {
  const trainer = await Trainer.create(model, options);
  const history: EpochStats[] = [];
  const stepsPerEpoch = Math.floor(train.count / options.batch);
  const totalSteps = stepsPerEpoch * options.epochs;
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const t0 = performance.now();
      let lossSum = 0;
      let correct = 0;
      const perOutput = trainer.step.outputs.map(() => ({ loss: 0, correct: 0 }));
      let seen = 0;
      let step = 0;
      for (const b of batches(train, options.batch, { seed: (options.seed ?? 1) + epoch })) {
        const done = trainer.stepCount;
        const lr = options.schedule === 'cosine' ? options.optimizer.lr * 0.5 * (1 + Math.cos((Math.PI * done) / totalSteps)) : options.optimizer.lr;
        const r = await trainer.train(b, lr);
        lossSum += r.loss * b.size;
        correct += r.correct;
        r.outputs.forEach((o, k) => {
          const sum = perOutput[k]!; // one entry per output of the step, as r.outputs
          sum.loss += o.loss * b.size;
          sum.correct += o.correct;
        });
        seen += b.size;
        step++;
        options.onStep?.({ epoch, step, steps: stepsPerEpoch, loss: lossSum / seen, accuracy: correct / seen });
      }
      const seconds = (performance.now() - t0) / 1000;
      const testAccuracy = test ? (await trainer.evaluate(test)).accuracy : undefined;
      const outputs = perOutput.length > 1
        ? perOutput.map((o, k) => ({ logits: (trainer.step.outputs[k] as { logits: string }).logits, loss: o.loss / Math.max(1, seen), trainAccuracy: o.correct / Math.max(1, seen) }))
        : undefined;
      const stats: EpochStats = { epoch, loss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen), testAccuracy, seconds, samplesPerSecond: seen / seconds, ...(outputs ? { outputs } : {}) };
      history.push(stats);
      options.onEpoch?.(stats);
    }
    return { model: trainer.checkpoint(), history };
  } finally {
    await trainer.release();
  }
}
