import { lookup } from '../checked.js';
import { liftInitializers } from '../autodiff/lift.js';
import { BadRequestError } from '../errors.js';
import { makeTensor, tensorValue } from '../onnx/tensor.js';
import type { ModelProto, TensorProto } from '../onnx/types.js';
import { type RunTensor, Session } from '../runtime/session.js';
import { type Batch, checkLabels } from '../data/batches.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { makeBatch } from '../data/batches.js';
import { probeNchwcBlock } from '../passes/nchwc.js';
import { ADAM_BC1_INPUT, ADAM_BC2_INPUT, LR_INPUT } from './optimizers.js';
import { buildTrainStep, type TrainStep, type TrainStepOptions } from './train-step.js';

export interface StepResult {
  /** the step's (weighted) loss */
  readonly loss: number;
  /** samples of the batch the first output classified correctly (before the update) */
  readonly correct: number;
  /** per trained output (TrainStep.outputs): its own loss and right answers */
  readonly outputs: readonly { readonly loss: number; readonly correct: number }[];
}

export interface TrainerOptions extends TrainStepOptions {
  /** ORT intra-op threads */
  readonly threads?: number;
  /**
   * Run the step's Convs on ONNX Runtime's NCHWc kernels when this CPU has them (see
   * TrainStepOptions.nchwcBlock); default true.
   */
  readonly nchwc?: boolean;
}

function floats(t: TensorProto): Float32Array {
  return Float32Array.from(tensorValue(t).data);
}

const scalar = (v: number): RunTensor => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });

/**
 * Runs training steps of a classifier in ONNX Runtime. Holds the weights, optimiser state and
 * BN statistics as Float32Arrays, feeds them to the step model and keeps what it returns.
 */
export class Trainer {
  private readonly values = new Map<string, Float32Array>();
  private steps = 0;
  private evalSession: Session | undefined;

  private constructor(
    readonly step: TrainStep,
    private readonly session: Session,
    private readonly base: ModelProto,
    private readonly threads: number | undefined,
  ) {
    const inits = new Map(base.graph.initializer.map((t) => [t.name, t]));
    for (const p of step.params) {
      this.values.set(p.name, floats(lookup(inits, p.name, 'initializer of a trained weight')));
      for (const s of p.state) this.values.set(s.input, new Float32Array(p.dims.reduce((a, b) => a * b, 1)));
    }
    for (const b of step.buffers) this.values.set(b.name, floats(lookup(inits, b.name, 'initializer of a buffer')));
  }

  static async create(model: ModelProto, options: TrainerOptions): Promise<Trainer> {
    // Whether this ORT has NCHWc kernels is asked before building; which Convs they take is the
    // pass's predicate (convsToNchwc), so the step is built once.
    const nchwcBlock = options.nchwcBlock ?? (options.nchwc === false ? undefined : await probeNchwcBlock());
    const step = buildTrainStep(model, { ...options, nchwcBlock });
    return new Trainer(step, await Session.fromModel(step.model, { threads: options.threads }), model, options.threads);
  }

  /** Optimiser steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** One optimiser step on a batch of exactly the step's batch size. */
  async train(batch: Batch, lr = this.step.optimizer.lr): Promise<StepResult> {
    // Bounds: the run returns every output of the step model, and loss and correct are scalars (one value).
    const s = this.step;
    if (batch.size !== s.batch) throw new BadRequestError(`the training step takes batches of ${s.batch}, got ${batch.size}`);
    checkLabels(batch.labels, s.classes);
    this.steps++;
    const feeds: Record<string, RunTensor> = {
      [s.input]: { dtype: 'float32', dims: s.inputDims, data: batch.x },
      [s.labels]: { dtype: 'float32', dims: [s.batch, s.classes], data: batch.onehot },
      [LR_INPUT]: scalar(lr),
    };
    if (s.optimizer.kind === 'adam') {
      feeds[ADAM_BC1_INPUT] = scalar(1 - (s.optimizer.beta1 ?? 0.9) ** this.steps);
      feeds[ADAM_BC2_INPUT] = scalar(1 - (s.optimizer.beta2 ?? 0.999) ** this.steps);
    }
    for (const p of s.params) {
      feeds[p.name] = { dtype: 'float32', dims: p.dims, data: lookup(this.values, p.name, 'trained weight') };
      for (const st of p.state) feeds[st.input] = { dtype: 'float32', dims: p.dims, data: lookup(this.values, st.input, 'optimiser state') };
    }
    for (const b of s.buffers) feeds[b.name] = { dtype: 'float32', dims: b.dims, data: lookup(this.values, b.name, 'buffer') };
    const out = await this.session.run(feeds);
    const get = (n: string) => out[n]!.data as Float32Array; // the run returns every output of the step
    for (const p of s.params) {
      this.values.set(p.name, get(p.output));
      for (const st of p.state) this.values.set(st.input, get(st.output));
    }
    for (const b of s.buffers) this.values.set(b.name, get(b.output));
    const loss = get(s.loss)[0]!;
    const correct = get(s.correct)[0]!;
    return { loss, correct, outputs: s.outputs.length === 1 ? [{ loss, correct }] : s.outputs.map((o) => ({ loss: get(o.loss)[0]!, correct: get(o.correct)[0]! })) };
  }

  /** The inference model with the current weights and statistics (a checkpoint). */
  checkpoint(): ModelProto {
    const g = this.base.graph;
    const initializer = g.initializer.map((t) => {
      const v = this.values.get(t.name);
      return v ? makeTensor(t.name, 'float32', t.dims.map(Number), new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice(), true) : t;
    });
    return { ...this.base, graph: { ...g, initializer } };
  }

  /** Arg-max accuracy of the current weights on a dataset, in inference mode (BN running statistics, no dropout). */
  async evaluate(ds: ImageDataset, batchSize = 256): Promise<{ accuracy: number; correct: number; count: number }> {
    // Bounds: a model has an output; the run returns the logits asked for; i < b.size and c < classes stay inside them.
    const s = this.step;
    if (!this.evalSession) {
      const names = [...s.params.map((p) => p.name), ...s.buffers.map((b) => b.name)];
      const { model } = liftInitializers(this.base, names);
      this.evalSession = await Session.fromModel(model, { threads: this.threads });
    }
    const logitsName = this.base.graph.output[0]!.name;
    let correct = 0;
    for (let start = 0; start < ds.count; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, ds.count - start) }, (_, k) => start + k);
      const b = makeBatch(ds, idx, s.classes);
      const feeds: Record<string, RunTensor> = { [s.input]: { dtype: 'float32', dims: [b.size, ...s.inputDims.slice(1)], data: b.x } };
      for (const p of s.params) feeds[p.name] = { dtype: 'float32', dims: p.dims, data: lookup(this.values, p.name, 'trained weight') };
      for (const bf of s.buffers) feeds[bf.name] = { dtype: 'float32', dims: bf.dims, data: lookup(this.values, bf.name, 'buffer') };
      const out = await this.evalSession.run(feeds, [logitsName]);
      const z = out[logitsName]!.data as Float32Array;
      for (let i = 0; i < b.size; i++) {
        let best = 0;
        for (let c = 1; c < s.classes; c++) if (z[i * s.classes + c]! > z[i * s.classes + best]!) best = c;
        if (best === b.labels[i]) correct++;
      }
    }
    return { accuracy: ds.count ? correct / ds.count : 0, correct, count: ds.count };
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.evalSession?.release();
  }
}
