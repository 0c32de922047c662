import type { NodeEmitter } from '../autodiff/emitter.js';

/** Tensors the softmax cross-entropy head adds to a classifier. */
export interface CrossEntropyTensors {
  /** mean cross-entropy over the batch, a scalar (not weighted) */
  readonly loss: string;
  /** number of samples whose arg-max class equals the label, a float scalar */
  readonly correct: string;
  /** d(weight x loss)/d(logits) = weight (softmax(logits) - onehot) / N, the seed of the backward pass */
  readonly logitsGrad: string;
}

/** How one cross-entropy head is emitted. */
export interface CrossEntropyOptions {
  /** the head's weight in a sum of losses: it scales the gradient (default 1) */
  readonly weight?: number;
  /** prefix of the emitted names (default "loss") */
  readonly prefix?: string;
}

/**
 * Softmax cross-entropy as graph nodes: loss = -mean_n sum_c y_nc log softmax(z_n)_c with
 * y one-hot. Its gradient w.r.t. the logits is emitted directly in the fused, stable form
 * w (p - y) / N rather than through LogSoftmax's rule, as every framework does.
 */
export function crossEntropy(e: NodeEmitter, logits: string, onehot: string, batch: number, options: CrossEntropyOptions = {}): CrossEntropyTensors {
  const prefix = options.prefix ?? 'loss';
  const weight = options.weight ?? 1;
  const op = (type: string, inputs: readonly string[], name: string, attrs: Record<string, number | readonly number[]> = {}) =>
    e.emit(type, inputs, 1, `${prefix}/${name}`, attrs)[0]!; // emit returns the one output asked for
  const logp = op('LogSoftmax', [logits], 'log_softmax', { axis: 1 });
  const picked = op('Mul', [logp, onehot], 'picked');
  const total = op('ReduceSum', [picked], 'total', { keepdims: 0 });
  const gradScale = e.constant(`${prefix}/${weight === 1 ? 'inv_batch' : 'weight_over_batch'}`, 'float32', [], [weight / batch]);
  const negInv = e.constant(`${prefix}/neg_inv_batch`, 'float32', [], [-1 / batch]);
  const loss = op('Mul', [total, negInv], 'mean');
  const p = op('Exp', [logp], 'softmax');
  const logitsGrad = op('Mul', [op('Sub', [p, onehot], 'p_minus_y'), gradScale], 'logits_grad');
  const predicted = op('ArgMax', [logits], 'predicted', { axis: 1, keepdims: 0 });
  const truth = op('ArgMax', [onehot], 'truth', { axis: 1, keepdims: 0 });
  const hits = e.emit('Cast', [op('Equal', [predicted, truth], 'hit')], 1, `${prefix}/hit_float`, { to: 1 })[0]!; // emit returns the one output asked for
  const correct = op('ReduceSum', [hits], 'correct', { keepdims: 0 });
  return { loss, correct, logitsGrad };
}

/** One classifier output in a weighted sum of cross-entropies. */
export interface WeightedOutput {
  /** the output's logits [batch, classes] */
  readonly logits: string;
  /** its weight (> 0) */
  readonly weight: number;
}

/** The tensors of a weighted sum of cross-entropies. */
export interface WeightedLossTensors {
  /** sum_k weight_k CE_k, a scalar */
  readonly loss: string;
  /** per output, in the order given: its own (unweighted) loss, correct count and seed */
  readonly outputs: readonly CrossEntropyTensors[];
}

/**
 * loss = sum_k w_k CE(logits_k): BranchyNet's joint loss over exits and the main output. Each
 * output seeds its own logits with w_k (p_k - y) / N; autodiff sums what meets in shared layers.
 * One output of weight 1 emits exactly crossEntropy's nodes.
 */
export function weightedCrossEntropy(e: NodeEmitter, outputs: readonly WeightedOutput[], onehot: string, batch: number): WeightedLossTensors {
  // Bounds: outputs is not empty (buildTrainStep checks), heads and terms have one entry per output, and emit returns the one output asked for.
  if (outputs.length === 1 && outputs[0]!.weight === 1) {
    const only = crossEntropy(e, outputs[0]!.logits, onehot, batch);
    return { loss: only.loss, outputs: [only] };
  }
  const heads = outputs.map((o, k) => crossEntropy(e, o.logits, onehot, batch, { weight: o.weight, prefix: `loss${k}` }));
  const terms = heads.map((h, k) => e.emit('Mul', [h.loss, e.constant(`loss${k}/weight`, 'float32', [], [outputs[k]!.weight])], 1, `loss${k}/weighted`)[0]!);
  const loss = e.emit('Sum', terms, 1, 'loss/weighted_sum')[0]!;
  return { loss, outputs: heads };
}
