import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeEmitter } from '../../src/autodiff/emitter.js';
import { ModelBuilder, valueInfo } from '../../src/graph/builder.js';
import { Random } from '../../src/graph/random.js';
import { buildModel } from '../../src/models/catalogue.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadMnist } from '../../src/data/datasets.js';
import { ADAM_BC1_INPUT, ADAM_BC2_INPUT, emitUpdate, LR_INPUT, type OptimizerSpec, stateSlots } from '../../src/train/optimizers.js';
import { Trainer } from '../../src/train/trainer.js';

const N = 7;
const f32 = (data: readonly number[], dims: readonly number[] = [data.length]): RunTensor => ({ dtype: 'float32', dims, data: Float32Array.from(data) });

/** One update of `spec` as its own ONNX model, run in ORT: the new weight and new state. */
async function step(spec: OptimizerSpec, w: number[], g: number[], state: number[][], lr: number, t: number): Promise<{ w: Float32Array; state: Float32Array[] }> {
  const b = new ModelBuilder({ opset: 17 });
  const slots = stateSlots(spec);
  for (const name of ['w', 'g', ...slots]) b.input(name, 'float32', [N]);
  for (const name of [LR_INPUT, ADAM_BC1_INPUT, ADAM_BC2_INPUT]) b.input(name, 'float32', []);
  const base = b.build();
  const e = nodeEmitter(base);
  const u = emitUpdate(e, spec, 'w', 'g', slots);
  const model: ModelProto = e.appendTo(base, { outputs: [u.weight, ...u.state.map(([, out]) => out)].map((o) => valueInfo(o, 'float32', [N])) });
  const feeds: Record<string, RunTensor> = { w: f32(w), g: f32(g), [LR_INPUT]: f32([lr], []) };
  slots.forEach((s, i) => { feeds[s] = f32(state[i] ?? []); });
  if (spec.kind === 'adam') {
    feeds[ADAM_BC1_INPUT] = f32([1 - (spec.beta1 ?? 0.9) ** t], []);
    feeds[ADAM_BC2_INPUT] = f32([1 - (spec.beta2 ?? 0.999) ** t], []);
  } else {
    feeds[ADAM_BC1_INPUT] = f32([1], []);
    feeds[ADAM_BC2_INPUT] = f32([1], []);
  }
  const s = await Session.fromModel(model, { threads: 1 });
  const out = await s.run(feeds);
  await s.release();
  const get = (name: string) => out[name]?.data as Float32Array;
  return { w: get(u.weight), state: u.state.map(([, o]) => get(o)) };
}

function assertClose(got: Float32Array, want: readonly number[], what: string): void {
  assert.equal(got.length, want.length);
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-6 + 1e-5 * Math.abs(want[i]!), `${what}[${i}]: ${v}, by hand ${want[i]}`));
}

describe('optimiser updates against hand computations (torch.optim formulas)', () => {
  const rng = new Random(4);
  const w = Array.from({ length: N }, () => rng.normal());
  const g = Array.from({ length: N }, () => rng.normal());
  const prev = Array.from({ length: N }, () => rng.normal());
  const prevSq = Array.from({ length: N }, () => Math.abs(rng.normal()) * 0.1);

  it('SGD with weight decay (coupled, L2): w - lr (g + wd w)', async () => {
    const r = await step({ kind: 'sgd', lr: 0.1, weightDecay: 0.01 }, w, g, [], 0.1, 1);
    assertClose(r.w, w.map((x, i) => x - 0.1 * (g[i]! + 0.01 * x)), 'w');
  });

  it('SGD with Nesterov momentum and weight decay: v = mu v + g\', w - lr (g\' + mu v)', async () => {
    const [lr, mu, wd] = [0.05, 0.9, 1e-3];
    const r = await step({ kind: 'sgd', lr, momentum: mu, nesterov: true, weightDecay: wd }, w, g, [prev], lr, 1);
    const gd = g.map((x, i) => x + wd * w[i]!);
    const v = prev.map((x, i) => mu * x + gd[i]!);
    assertClose(r.state[0]!, v, 'velocity');
    assertClose(r.w, w.map((x, i) => x - lr * (gd[i]! + mu * v[i]!)), 'w');
    // Plain momentum steps along v itself.
    const plain = await step({ kind: 'sgd', lr, momentum: mu, weightDecay: wd }, w, g, [prev], lr, 1);
    assertClose(plain.w, w.map((x, i) => x - lr * v[i]!), 'w (momentum)');
  });

  for (const wd of [0, 0.05]) {
    it(`${wd ? 'AdamW (decoupled weight decay)' : 'Adam'} at step 3: moments, bias corrections, eps${wd ? ', lr wd w' : ''}`, async () => {
      const [lr, b1, b2, eps, t] = [0.01, 0.8, 0.99, 1e-6, 3];
      const r = await step({ kind: 'adam', lr, beta1: b1, beta2: b2, eps, weightDecay: wd }, w, g, [prev, prevSq], lr, t);
      const m = prev.map((x, i) => b1 * x + (1 - b1) * g[i]!);
      const v = prevSq.map((x, i) => b2 * x + (1 - b2) * g[i]! ** 2);
      assertClose(r.state[0]!, m, 'm');
      assertClose(r.state[1]!, v, 'v');
      const want = w.map((x, i) => {
        const mHat = m[i]! / (1 - b1 ** t);
        const vHat = v[i]! / (1 - b2 ** t);
        // torch.optim.AdamW: w (1 - lr wd), then the Adam step.
        return x * (1 - lr * wd) - lr * mHat / (Math.sqrt(vHat) + eps);
      });
      assertClose(r.w, want, 'w');
    });
  }
});

describe('the Trainer feeds Adam its bias corrections step by step', () => {
  it('two AdamW steps on LeNet\'s last bias equal the hand computation from the gradients (taken with SGD, lr 1)', async () => {
    const model = buildModel('lenet', { seed: 1 });
    const batch = makeBatch(loadMnist('train', { limit: 8 }), Array.from({ length: 8 }, (_, i) => i));
    const only = { batch: 8, trainable: ['fc3.bias'], nchwc: false } as const;
    const bias = (m: ModelProto): number[] => {
      const t = m.graph.initializer.find((i) => i.name === 'fc3.bias');
      assert.ok(t, 'fc3.bias');
      return Array.from(tensorValue(t).data, Number);
    };
    /** dLoss/d(bias) at the model's weights: one SGD step with lr 1 moves the bias by -g. */
    const gradientAt = async (m: ModelProto): Promise<number[]> => {
      const sgd = await Trainer.create(m, { ...only, optimizer: { kind: 'sgd', lr: 1 } });
      await sgd.train(batch);
      const after = bias(sgd.checkpoint());
      await sgd.release();
      return bias(m).map((x, i) => x - after[i]!);
    };
    const [lr, b1, b2, eps, wd] = [0.01, 0.9, 0.999, 1e-8, 0.1];
    const adam = await Trainer.create(model, { ...only, optimizer: { kind: 'adam', lr, beta1: b1, beta2: b2, eps, weightDecay: wd } });
    let wHand = bias(model);
    let m = wHand.map(() => 0);
    let v = wHand.map(() => 0);
    for (let t = 1; t <= 2; t++) {
      const g = await gradientAt(adam.checkpoint());
      await adam.train(batch);
      m = m.map((x, i) => b1 * x + (1 - b1) * g[i]!);
      v = v.map((x, i) => b2 * x + (1 - b2) * g[i]! ** 2);
      wHand = wHand.map((x, i) => x - lr * (m[i]! / (1 - b1 ** t) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + eps) + wd * x));
      assertClose(Float32Array.from(bias(adam.checkpoint())), wHand, `bias after step ${t}`);
    }
    await adam.release();
  });
});
