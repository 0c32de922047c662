import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { checkOpGradient, describeChecks, FD_TOLERANCE, gradChecksPass, gradCheck } from '../../test-support/autodiff/grad-check.js';

/** Checks one op's gradient and reports its worst absolute error as a test diagnostic. */
async function expectClose(t: TestContext, ...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  t.diagnostic(`${args[0]} max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

/** Like expectClose, but with the float input's values given (zeros, ties), every coordinate checked. */
async function expectCloseAt(t: TestContext, opType: string, x: { shape: readonly number[]; data: readonly number[] }, consts: readonly { shape: readonly number[]; value: readonly number[] }[], attrs: Readonly<Record<string, number | readonly number[]>>, opset = 17): Promise<void> {
  const b = new ModelBuilder({ opset });
  const input = b.input('x', 'float32', x.shape);
  const names = consts.map((c, i) => b.constant(`c${i}`, 'int64', c.shape, c.value));
  const out = b.node(opType, [input, ...names], attrs, 'op');
  b.output(out);
  const model = b.build();
  for (const o of model.graph.output) o.type = { tensorType: null };
  const feeds: Record<string, RunTensor> = { [input]: { dtype: 'float32', dims: [...x.shape], data: Float32Array.from(x.data) } };
  const checks = await gradCheck(model, feeds, [input], FD_TOLERANCE, { output: out, samples: x.data.length });
  t.diagnostic(`${opType} max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

const i64 = (values: readonly number[], shape: readonly number[] = [values.length]) => ({ shape, dtype: 'int64' as const, value: values });

describe('gradients of Slice, Pad, ReduceProd, GatherND, ScatterND against finite differences', () => {
  it('Slice: steps 2 and 3, negative steps, a full reversal, mixed with step 1', async (t) => {
    await expectClose(t, 'Slice', [{ shape: [7, 5] }, i64([1, 0]), i64([7, 5]), i64([0, 1]), i64([2, 1])]);
    await expectClose(t, 'Slice', [{ shape: [4, 9] }, i64([0, 8]), i64([4, 0]), i64([0, 1]), i64([1, -3])]);
    await expectClose(t, 'Slice', [{ shape: [6] }, i64([-1]), i64([-100]), i64([0]), i64([-1])]);
    await expectClose(t, 'Slice', [{ shape: [2, 6, 5] }, i64([5, 1]), i64([0, 100]), i64([1, 2]), i64([-2, 3])]);
    await expectClose(t, 'Slice', [{ shape: [3, 8] }, i64([6]), i64([-9]), i64([1]), i64([-4])], {}, { opset: 10 });
  });
});

describe('gradients of Pad in its copying modes against finite differences', () => {
  it('Pad reflect: pads up to size - 1 on both sides, several axes, the attribute form', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [2, 4] }, i64([1, 3, 0, 3])], { mode: 'reflect' });
    await expectClose(t, 'Pad', [{ shape: [1, 2, 3, 4] }, i64([0, 0, 2, 1, 0, 0, 1, 2])], { mode: 'reflect' });
    await expectClose(t, 'Pad', [{ shape: [3, 5] }], { mode: 'reflect', pads: [2, 4, 1, 0] }, { opset: 10 });
  });

  it('Pad edge: border cells collect their pads, also pads larger than the axis', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([2, 1, 0, 3])], { mode: 'edge' });
    await expectClose(t, 'Pad', [{ shape: [2, 1, 3] }, i64([0, 2, 4, 1, 1, 5])], { mode: 'edge' });
  });

  it('Pad wrap (opset 19) and constant mode with crops', async (t) => {
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([3, 1, 2, 4])], { mode: 'wrap' }, { opset: 19 });
    await expectClose(t, 'Pad', [{ shape: [3, 4] }, i64([1, -1, -2, 2])]);
    await expectClose(t, 'Pad', [{ shape: [3, 4] }], { pads: [0, 2, 1, 0] }, { opset: 10 });
  });
});

describe('gradient of ReduceProd against finite differences', () => {
  it('ReduceProd: one and several axes, keepdims, the opset 18 axes input', async (t) => {
    await expectClose(t, 'ReduceProd', [{ shape: [2, 3, 4] }], { axes: [1], keepdims: 0 });
    await expectClose(t, 'ReduceProd', [{ shape: [2, 3, 4] }], { axes: [0, 2], keepdims: 1 });
    await expectClose(t, 'ReduceProd', [{ shape: [3, 5] }], { keepdims: 0 });
    await expectClose(t, 'ReduceProd', [{ shape: [2, 3, 2] }, i64([-1, 0])], { keepdims: 0 }, { opset: 18 });
    await expectClose(t, 'ReduceProd', [{ shape: [2, 7] }], { axes: [1] }, { opset: 9 });
  });

  it('ReduceProd: zeros (one, two, all in a group) and negative values give the exact product of the others', async (t) => {
    const data = [0, 1.5, -2, 0.5, 0.8, 0, -1.2, 0, 1.1, -0.7, 2, -0.9, 0, 0, 0, 0, 1.3, -1.4, 0.6, 0.9, -1, 0, 1, 1];
    await expectCloseAt(t, 'ReduceProd', { shape: [6, 4], data }, [], { axes: [1], keepdims: 0 });
    await expectCloseAt(t, 'ReduceProd', { shape: [2, 3, 4], data }, [], { axes: [0, 2], keepdims: 1 });
    await expectCloseAt(t, 'ReduceProd', { shape: [8, 3], data }, [], { axes: [0], keepdims: 1 }, 13);
  });
});

describe('gradients of GatherND and ScatterND against finite differences', () => {
  it('GatherND: duplicate and negative tuples, slices and single elements (ScatterND add, opset 17)', async (t) => {
    await expectClose(t, 'GatherND', [{ shape: [4, 3] }, i64([2, 0, 2, -1, 2], [5, 1])]);
    await expectClose(t, 'GatherND', [{ shape: [3, 4, 2] }, i64([0, 1, 2, 3, 0, 1, -1, -4], [2, 2, 2])]);
    await expectClose(t, 'GatherND', [{ shape: [2, 3] }, i64([1, 2, 1, 2, 0, 0], [3, 2])]);
  });

  it('GatherND: batch_dims 1 and 2 with repeated tuples', async (t) => {
    await expectClose(t, 'GatherND', [{ shape: [2, 3, 4] }, i64([1, 1, 2, 0, 0, 3, 0, 3], [2, 2, 2])], { batch_dims: 1 });
    await expectClose(t, 'GatherND', [{ shape: [2, 3, 4] }, i64([2, 2, 0, 1, 3, 3, 0, 1, 2, 0, 0, 0], [2, 3, 2, 1])], { batch_dims: 2 });
  });

  it('GatherND before opset 16: the one-hot MatMul sums duplicates too', async (t) => {
    await expectClose(t, 'GatherND', [{ shape: [4, 3] }, i64([2, 0, 2, -1, 2], [5, 1])], {}, { opset: 13 });
    await expectClose(t, 'GatherND', [{ shape: [2, 3, 4] }, i64([1, 1, 2, 0, 1, 1, 0, 3], [2, 2, 2])], { batch_dims: 1 }, { opset: 12 });
    await expectClose(t, 'GatherND', [{ shape: [3, 2, 2] }, i64([0, 1, 2, 1, 0, 1], [3, 2])], {}, { opset: 11 });
  });

  it('ScatterND: replaced slices get no data gradient; updates read dY; reduction add', async (t) => {
    await expectClose(t, 'ScatterND', [{ shape: [4, 3] }, i64([3, 0], [2, 1]), { shape: [2, 3] }]);
    await expectClose(t, 'ScatterND', [{ shape: [3, 4, 2] }, i64([0, 1, 2, 3, -1, 0], [3, 2]), { shape: [3, 2] }], {}, { opset: 13 });
    await expectClose(t, 'ScatterND', [{ shape: [2, 3] }, i64([1, 2, 0, 0, 1, 2], [3, 2]), { shape: [3] }], { reduction: 'add' }, { opset: 16 });
    await expectClose(t, 'ScatterND', [{ shape: [5, 2] }, i64([4, 1, 4], [3, 1]), { shape: [3, 2] }], { reduction: 'add' }, { opset: 18 });
  });

  it('ScatterElements: written elements get no data gradient, updates read dY there; reduction add', async (t) => {
    // (with reduction none each written element is written once: repeated targets have no defined gradient)
    await expectClose(t, 'ScatterElements', [{ shape: [3, 4] }, i64([0, 2, 1, 2, 2, 0, 0, 1], [2, 4]), { shape: [2, 4] }], { axis: 0 }, { opset: 13 });
    await expectClose(t, 'ScatterElements', [{ shape: [2, 3, 4] }, i64([3, 0, 1, 2, -1, 0, 0, 1, 2, 3, 3, 2], [2, 3, 2]), { shape: [2, 3, 2] }], { axis: -1 }, { opset: 13 });
    await expectClose(t, 'ScatterElements', [{ shape: [2, 5] }, i64([1, 3, 1, 0, 0, 4], [2, 3]), { shape: [2, 3] }], { axis: 1, reduction: 'add' }, { opset: 16 });
  });

  it('Scatter (opset 9-10, ScatterElements\' former name): the data gradient (the updates\' needs GatherElements, opset 11)', async (t) => {
    await expectClose(t, 'Scatter', [{ shape: [3, 4] }, i64([0, 2, 1, 2, 2, 0, 0, 1], [2, 4]), { shape: [2, 4], check: false }], { axis: 0 }, { opset: 10 });
  });

  it('CastLike: the gradient is cast back to the input\'s type', async (t) => {
    await expectClose(t, 'CastLike', [{ shape: [2, 3] }, { shape: [1], value: [0] }], {}, { opset: 15 });
  });

  it('Mod (fmod): dA = dY reduced over broadcast axes, away from the jumps', async (t) => {
    await expectClose(t, 'Mod', [{ shape: [2, 3] }, { shape: [3], value: [1.7, 2.9, 3.1] }], { fmod: 1 });
  });

  it('OneHot: the off and on values get the sums of dY off and on the indices', async (t) => {
    await expectClose(t, 'OneHot', [i64([1, 0, 3, 2, -1, 0], [2, 3]), { shape: [], dtype: 'int64', value: [4] }, { shape: [2] }], { axis: 1 }, { opset: 11 });
    await expectClose(t, 'OneHot', [i64([2, 0, 1]), { shape: [], dtype: 'int64', value: [3] }, { shape: [2] }], {}, { opset: 11 });
  });
});
