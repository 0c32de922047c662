import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { oneHot } from '../../src/data/batches.js';
import { buildTrainStep } from '../../src/train/train-step.js';
import { Trainer } from '../../src/train/trainer.js';

/**
 * Two classifier outputs sharing a layer: a = W1 x + b1 (an "exit"), b = W2 tanh(a) + b2 (the
 * "main" output), 3 classes each; W1 and b1 get gradient from both losses.
 */
function twoOutputs(): ModelProto {
  const b = new ModelBuilder({ seed: 7, name: 'two-outputs' });
  const x = b.input('x', 'float32', ['N', 4]);
  const a = b.node('Gemm', [x, b.param('w1', [3, 4], { kind: 'normal', std: 0.8 }), b.param('b1', [3], { kind: 'normal', std: 0.3 })], { transB: 1 }, 'exit');
  const t = b.node('Tanh', [a], {}, 'tanh');
  const y = b.node('Gemm', [t, b.param('w2', [3, 3], { kind: 'normal', std: 0.8 }), b.param('b2', [3], { kind: 'normal', std: 0.3 })], { transB: 1 }, 'main');
  b.output(a);
  b.output(y);
  return b.build();
}

type Weights = Record<'w1' | 'b1' | 'w2' | 'b2', Float64Array>;

function initial(model: ModelProto): Weights {
  const get = (n: string) => Float64Array.from(tensorValue(model.graph.initializer.find((i) => i.name === n) as never).data as ArrayLike<number>);
  return { w1: get('w1'), b1: get('b1'), w2: get('w2'), b2: get('b2') };
}

/** Mean softmax cross-entropy of row-major logits [n, 3], in float64. */
function ce(z: Float64Array, labels: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = z.subarray(3 * i, 3 * i + 3);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    sum += lse - row[labels[i]!]!;
  }
  return sum / labels.length;
}

/** The two outputs' losses by hand: gemm(x, W, b) = x W^T + b. */
function losses(w: Weights, x: Float32Array, labels: Uint8Array): [number, number] {
  const n = labels.length;
  const gemm = (input: Float64Array, k: number, W: Float64Array, bias: Float64Array) => {
    const out = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) for (let o = 0; o < 3; o++) {
      let s = bias[o]!;
      for (let j = 0; j < k; j++) s += input[i * k + j]! * W[o * k + j]!;
      out[i * 3 + o] = s;
    }
    return out;
  };
  const a = gemm(Float64Array.from(x), 4, w.w1, w.b1);
  const y = gemm(a.map(Math.tanh), 3, w.w2, w.b2);
  return [ce(a, labels), ce(y, labels)];
}

describe('weighted sum of cross-entropies over several outputs', () => {
  const n = 6;
  const x = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(1.3 * i + 0.4) * 1.5);
  const labels = Uint8Array.from([0, 2, 1, 1, 0, 2]);
  const batch = { x, labels, onehot: oneHot(labels, 3), size: n };
  const weights = [0.3, 0.7] as const;

  it('one SGD step (lr 1) moves every weight by the gradient of 0.3 CE(exit) + 0.7 CE(main): central finite differences of a float64 hand computation', async () => {
    const model = twoOutputs();
    const w0 = initial(model);
    const trainer = await Trainer.create(model, { batch: n, optimizer: { kind: 'sgd', lr: 1 }, outputs: [{ logits: 'exit', weight: weights[0] }, { logits: 'main', weight: weights[1] }], nchwc: false });
    const r = await trainer.train(batch);
    const after = initial(trainer.checkpoint());
    await trainer.release();
    const [la, lb] = losses(w0, x, labels);
    const objective = (w: Weights) => {
      const [a, b] = losses(w, x, labels);
      return weights[0] * a + weights[1] * b;
    };
    // The step's loss outputs: each output's own loss, and the weighted sum.
    assert.ok(Math.abs(r.loss - objective(w0)) < 1e-5, `loss ${r.loss} vs ${objective(w0)}`);
    assert.ok(Math.abs((r.outputs[0]?.loss ?? NaN) - la) < 1e-5);
    assert.ok(Math.abs((r.outputs[1]?.loss ?? NaN) - lb) < 1e-5);
    const eps = 1e-4;
    let checked = 0;
    for (const name of ['w1', 'b1', 'w2', 'b2'] as const) {
      w0[name].forEach((v, i) => {
        const plus = { ...w0, [name]: Float64Array.from(w0[name]) };
        const minus = { ...w0, [name]: Float64Array.from(w0[name]) };
        plus[name][i] = v + eps;
        minus[name][i] = v - eps;
        const numeric = (objective(plus) - objective(minus)) / (2 * eps);
        const analytic = v - after[name][i]!;
        assert.ok(Math.abs(analytic - numeric) < 2e-5 + 1e-3 * Math.abs(numeric), `${name}[${i}]: step ${analytic} vs finite difference ${numeric}`);
        checked++;
      });
    }
    assert.equal(checked, 12 + 3 + 9 + 3);
  });

  it('the weights matter: the main layer (reached by one loss) moves by exactly its weight times its unweighted step', async () => {
    const model = twoOutputs();
    const make = (w: number) => Trainer.create(model, { batch: n, optimizer: { kind: 'sgd', lr: 1 }, outputs: [{ logits: 'exit', weight: 1 }, { logits: 'main', weight: w }], trainable: ['w2'], nchwc: false });
    const [one, scaled] = [await make(1), await make(0.25)];
    await one.train(batch);
    await scaled.train(batch);
    const w0 = initial(model).w2;
    const [a, b] = [initial(one.checkpoint()).w2, initial(scaled.checkpoint()).w2];
    await one.release();
    await scaled.release();
    w0.forEach((v, i) => assert.ok(Math.abs((b[i]! - v) - 0.25 * (a[i]! - v)) < 1e-6, `w2[${i}]`));
  });

  it('bad outputs: both logits and outputs, a repeated output, a weight <= 0, an unknown tensor or node', () => {
    const model = twoOutputs();
    const o = { batch: 2, optimizer: { kind: 'sgd' as const, lr: 0.1 } };
    assert.throws(() => buildTrainStep(model, { ...o, logits: 'main', outputs: [{ logits: 'main', weight: 1 }] }), /not both/);
    assert.throws(() => buildTrainStep(model, { ...o, outputs: [{ logits: 'main', weight: 1 }, { logits: 'main', weight: 1 }] }), /listed twice/);
    assert.throws(() => buildTrainStep(model, { ...o, outputs: [{ logits: 'main', weight: 0 }] }), (e: unknown) => e instanceof BadRequestError && /weight of output "main"/.test(e.message));
    assert.throws(() => buildTrainStep(model, { ...o, outputs: [{ logits: 'tanh', weight: 1 }, { logits: 'nope', weight: 1 }] }), /"nope" is no tensor/);
    assert.throws(() => buildTrainStep(model, { ...o, trainModeNodes: ['nope'] }), /trainModeNodes: "nope"/);
  });
});
