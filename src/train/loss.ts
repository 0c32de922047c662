import type { NodeEmitter } from '../autodiff/emitter.js';

/** Tensors the softmax cross-entropy head adds to a classifier. */
export interface CrossEntropyTensors {
  /** mean cross-entropy over the batch, a scalar */
  readonly loss: string;
  /** number of samples whose arg-max class equals the label, a float scalar */
  readonly correct: string;
  /** d(loss)/d(logits) = (softmax(logits) - onehot) / N, the seed of the backward pass */
  readonly logitsGrad: string;
}

/**
 * Softmax cross-entropy as graph nodes: loss = -mean_n sum_c y_nc log softmax(z_n)_c with
 * y one-hot. Its gradient w.r.t. the logits is emitted directly in the fused, stable form
 * (p - y) / N rather than through LogSoftmax's rule, as every framework does.
 */
export function crossEntropy(e: NodeEmitter, logits: string, onehot: string, batch: number): CrossEntropyTensors {
  const op = (type: string, inputs: readonly string[], name: string, attrs: Record<string, number | readonly number[]> = {}) =>
    e.emit(type, inputs, 1, `loss/${name}`, attrs)[0] as string;
  const logp = op('LogSoftmax', [logits], 'log_softmax', { axis: 1 });
  const picked = op('Mul', [logp, onehot], 'picked');
  const total = op('ReduceSum', [picked], 'total', { keepdims: 0 });
  const invBatch = e.constant('loss/inv_batch', 'float32', [], [1 / batch]);
  const negInv = e.constant('loss/neg_inv_batch', 'float32', [], [-1 / batch]);
  const loss = op('Mul', [total, negInv], 'mean');
  const p = op('Exp', [logp], 'softmax');
  const logitsGrad = op('Mul', [op('Sub', [p, onehot], 'p_minus_y'), invBatch], 'logits_grad');
  const predicted = op('ArgMax', [logits], 'predicted', { axis: 1, keepdims: 0 });
  const truth = op('ArgMax', [onehot], 'truth', { axis: 1, keepdims: 0 });
  const hits = e.emit('Cast', [op('Equal', [predicted, truth], 'hit')], 1, 'loss/hit_float', { to: 1 })[0] as string;
  const correct = op('ReduceSum', [hits], 'correct', { keepdims: 0 });
  return { loss, correct, logitsGrad };
}
