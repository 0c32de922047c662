import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { buildGradientModel } from '../../src/autodiff/backward.js';
import { UnsupportedOpError } from '../../src/errors.js';
import { type AttrValue, float, ModelBuilder } from '../../src/graph/builder.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { checkOpGradient, describeChecks, FD_TOLERANCE, gradCheck, gradChecksPass } from '../../test-support/autodiff/grad-check.js';
import { randomTensor } from '../../test-support/random-tensor.js';

/** Checks one op's gradient and reports its worst absolute error as a test diagnostic. */
async function expectClose(t: TestContext, ...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  t.diagnostic(`${args[0]} max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

describe('gradients of LRN and LpNormalization against finite differences', () => {
  // ONNX Runtime accepts odd sizes only.
  it('LRN: windows of 1, 3, 5 and wider than the channels, strong alpha so the cross term matters', async (t) => {
    await expectClose(t, 'LRN', [{ shape: [2, 5, 3, 2] }], { size: 3, alpha: float(0.5), beta: float(0.75), bias: float(1) });
    await expectClose(t, 'LRN', [{ shape: [1, 6, 2, 3] }], { size: 5, alpha: float(1.2), beta: float(0.6), bias: float(2) });
    await expectClose(t, 'LRN', [{ shape: [1, 3, 2, 2] }], { size: 7, alpha: float(0.9), beta: float(1.3), bias: float(0.5) });
    await expectClose(t, 'LRN', [{ shape: [2, 4, 3, 3] }], { size: 1, alpha: float(0.3) }, { opset: 11 });
    await expectClose(t, 'LRN', [{ shape: [2, 4, 3, 3] }], { size: 3 }, { opset: 11 });
  });

  it('LpNormalization: p = 2 and p = 1 on the last and a middle axis', async (t) => {
    await expectClose(t, 'LpNormalization', [{ shape: [3, 4] }]);
    await expectClose(t, 'LpNormalization', [{ shape: [2, 3, 4] }], { axis: 1, p: 2 });
    await expectClose(t, 'LpNormalization', [{ shape: [3, 4], awayFromZero: 0.05 }], { p: 1 });
    await expectClose(t, 'LpNormalization', [{ shape: [2, 3, 2], awayFromZero: 0.05 }], { axis: 0, p: 1 }, { opset: 18 });
    await expectClose(t, 'LpNormalization', [{ shape: [2, 5] }], { axis: -1, p: 2 }, { opset: 18 });
  });
});

const empty = { shape: [0], value: [] };
const scales = (values: readonly number[]) => ({ shape: [values.length], value: values });
const sizes = (values: readonly number[]) => ({ shape: [values.length], dtype: 'int64' as const, value: values });

describe('gradients of Resize and Upsample against finite differences', () => {
  it('Resize linear: half_pixel, align_corners, asymmetric, pytorch_half_pixel; up, down and fractional scales', async (t) => {
    for (const transform of ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel']) {
      await expectClose(t, 'Resize', [{ shape: [1, 2, 3, 4] }, empty, scales([1, 1, 2, 1.5])], { mode: 'linear', coordinate_transformation_mode: transform });
      await expectClose(t, 'Resize', [{ shape: [1, 2, 5, 6] }, empty, scales([1, 1, 0.5, 0.7])], { mode: 'linear', coordinate_transformation_mode: transform });
    }
  });

  it('Resize linear from sizes, to a single row, 1-D (on [N, C, L]) and the opset 18 axes attribute', async (t) => {
    await expectClose(t, 'Resize', [{ shape: [2, 1, 3, 3] }, empty, empty, sizes([2, 1, 7, 5])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    await expectClose(t, 'Resize', [{ shape: [1, 2, 4, 3] }, empty, empty, sizes([1, 2, 1, 5])], { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel' });
    await expectClose(t, 'Resize', [{ shape: [2, 3, 4] }, empty, scales([1, 1, 2.5])], { mode: 'linear' });
    await expectClose(t, 'Resize', [{ shape: [1, 2, 3, 4] }, empty, scales([1.5, 2])], { mode: 'linear', axes: [2, 3] }, { opset: 18 });
  });

  it('Resize at opsets 10 and 11 (scales only, then roi and scales required), and antialiased downsampling', async (t) => {
    await expectClose(t, 'Resize', [{ shape: [1, 1, 3, 4] }, scales([1, 1, 2, 2])], { mode: 'linear' }, { opset: 10 });
    await expectClose(t, 'Resize', [{ shape: [1, 1, 3, 4] }, empty, scales([1, 1, 1.5, 2])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' }, { opset: 11 });
    await expectClose(t, 'Resize', [{ shape: [1, 2, 6, 8] }, empty, scales([1, 1, 0.5, 0.4])], { mode: 'linear', antialias: 1 }, { opset: 18 });
  });

  it('Resize nearest where a block sum does not apply, cubic, and tf_crop_and_resize', async (t) => {
    await expectClose(t, 'Resize', [{ shape: [1, 2, 3, 4] }, empty, scales([1, 1, 1.7, 0.6])], { mode: 'nearest' });
    await expectClose(t, 'Resize', [{ shape: [1, 2, 3, 4] }, empty, scales([1, 1, 2, 2])], { mode: 'nearest', coordinate_transformation_mode: 'align_corners', nearest_mode: 'round_prefer_ceil' });
    await expectClose(t, 'Resize', [{ shape: [1, 1, 4, 4] }, empty, scales([1, 1, 2, 1.5])], { mode: 'cubic', cubic_coeff_a: float(-0.75), exclude_outside: 1 });
    await expectClose(t, 'Resize', [{ shape: [1, 1, 4, 5] }, scales([0, 0, 0.2, 0.1, 1, 1, 0.9, 1.2]), empty, sizes([1, 1, 3, 6])], { mode: 'linear', coordinate_transformation_mode: 'tf_crop_and_resize', extrapolation_value: float(2) });
    await expectClose(t, 'Resize', [{ shape: [2, 2, 3, 4] }, empty, scales([1, 1, 1.5, 2])], { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn', nearest_mode: 'round_prefer_ceil' });
  });

  it('Upsample (opsets 7 and 9): linear, and nearest by a fractional factor', async (t) => {
    await expectClose(t, 'Upsample', [{ shape: [1, 2, 3, 3] }], { mode: 'linear', scales: float([1, 1, 2, 1.5]) }, { opset: 7 });
    await expectClose(t, 'Upsample', [{ shape: [1, 2, 3, 3] }, scales([1, 1, 2, 2])], { mode: 'linear' }, { opset: 9 });
    await expectClose(t, 'Upsample', [{ shape: [1, 1, 4, 3] }, scales([1, 1, 1.5, 2])], { mode: 'nearest' }, { opset: 9 });
  });
});

describe('gradient of MaxPool without a scatter-add (before opset 16) against finite differences', () => {
  it('MaxPool overlapping at opsets 11 and 13: pads, strides, ceil_mode, dilations', async (t) => {
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { opset: 13 });
    await expectClose(t, 'MaxPool', [{ shape: [2, 3, 5, 6] }], { kernel_shape: [3, 2], strides: [1, 1] }, { opset: 11 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 8, 7] }], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, { opset: 12 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 1, 7, 8] }], { kernel_shape: [2, 3], strides: [1, 2], dilations: [2, 1], pads: [1, 0, 0, 1] }, { opset: 15 });
  });

  it('MaxPool 1-D and 3-D overlapping, and opsets 8 to 10 (before ScatterElements) with and without overlap', async (t) => {
    await expectClose(t, 'MaxPool', [{ shape: [2, 2, 9] }], { kernel_shape: [4], strides: [2], pads: [1, 2] }, { opset: 13 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 4, 4, 3] }], { kernel_shape: [2, 2, 2], strides: [1, 1, 1] }, { opset: 13 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 3, 6, 6] }], { kernel_shape: [2, 2], strides: [2, 2] }, { opset: 10 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 6, 5] }], { kernel_shape: [3, 3], strides: [1, 2], auto_pad: 'SAME_UPPER' }, { opset: 8 });
  });

  it('MaxPool with its Indices output in column-major order (storage_order 1)', async (t) => {
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 5, 6] }], { kernel_shape: [3, 3], strides: [1, 1], storage_order: 1 }, { opset: 13, outputs: 2 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 5, 6] }], { kernel_shape: [3, 3], strides: [1, 1], storage_order: 1 }, { opset: 17, outputs: 2 });
    await expectClose(t, 'MaxPool', [{ shape: [1, 2, 5, 6] }], { kernel_shape: [2, 2], strides: [2, 2], storage_order: 1 }, { opset: 13, outputs: 2 });
  });
});

describe('gradient rules refuse what they cannot differentiate, naming op, node and opset', () => {
  /** Builds x -> op (further inputs: constants, then an optional float input `u`) and asks for dx. */
  function refusal(opType: string, shape: readonly number[], consts: readonly { dtype: 'int64' | 'float32'; value: readonly number[] }[], attrs: Readonly<Record<string, AttrValue>>, opset: number, extraFloat?: readonly number[]): void {
    const b = new ModelBuilder({ opset });
    const x = b.input('x', 'float32', shape);
    const names = consts.map((c, i) => b.constant(`c${i}`, c.dtype, [c.value.length], c.value));
    const extra = extraFloat ? [b.input('u', 'float32', extraFloat)] : [];
    const y = b.node(opType, [x, ...names, ...extra], attrs, 'the_node');
    b.output(y);
    assert.throws(() => buildGradientModel(b.build(), { of: y, wrt: [x] }), (e: unknown) => e instanceof UnsupportedOpError && e.message.includes(opType) && e.message.includes('"the_node"') && e.message.includes(`opset ${opset}`));
  }

  it('Pad reflect with a pad as large as the axis, and a copying mode with a cropping pad', () => {
    refusal('Pad', [3, 4], [{ dtype: 'int64', value: [3, 0, 0, 0] }], { mode: 'reflect' }, 17);
    refusal('Pad', [3, 4], [{ dtype: 'int64', value: [1, -1, 0, 0] }], { mode: 'edge' }, 17);
  });

  // MaxPool before opset 8 (no Indices output) is no longer refused: a model below opset 11 is
  // raised to it before differentiation (test/autodiff/old-opsets.test.ts).
  it('ScatterND with reduction mul, Resize with keep_aspect_ratio_policy', () => {
    refusal('ScatterND', [4, 3], [{ dtype: 'int64', value: [1] }], { reduction: 'mul' }, 18, [3]);
    const b = { dtype: 'float32' as const, value: [] };
    refusal('Resize', [1, 1, 3, 4], [b, b, { dtype: 'int64', value: [1, 1, 6, 6] }], { mode: 'linear', keep_aspect_ratio_policy: 'not_larger' }, 18);
  });
});

describe('the new rules chained in one model (opset 13)', () => {
  it('Pad reflect -> Conv -> MaxPool 3x3/2 -> Resize linear -> LRN -> Slice step -2 -> LpNormalization -> ReduceProd', async (t) => {
    const b = new ModelBuilder({ opset: 13, seed: 5 });
    const x = b.input('x', 'float32', [1, 2, 6, 6]);
    const w = b.param('w', [3, 2, 3, 3]);
    const i64 = (name: string, v: readonly number[]) => b.constant(name, 'int64', [v.length], v);
    const padded = b.node('Pad', [x, i64('pads', [0, 0, 2, 1, 0, 0, 1, 2])], { mode: 'reflect' });
    const conv = b.node('Conv', [padded, w], { kernel_shape: [3, 3] });
    const pooled = b.node('MaxPool', [conv], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    const up = b.node('Resize', [pooled, b.constant('roi', 'float32', [0], []), b.constant('scales', 'float32', [4], [1, 1, 1.5, 2])], { mode: 'linear', coordinate_transformation_mode: 'align_corners' });
    const lrn = b.node('LRN', [up], { size: 3, alpha: float(0.4) });
    const sliced = b.node('Slice', [lrn, i64('starts', [-1]), i64('ends', [-100]), i64('axes', [3]), i64('steps', [-2])]);
    const normed = b.node('LpNormalization', [sliced], { axis: 1, p: 2 });
    const y = b.node('ReduceProd', [normed], { axes: [1], keepdims: 0 });
    b.output(y);
    const model = b.build();
    for (const o of model.graph.output) o.type = { tensorType: null };
    const feeds: Record<string, RunTensor> = { [x]: randomTensor('float32', [1, 2, 6, 6], 8) };
    const checks = await gradCheck(model, feeds, [x, w], FD_TOLERANCE, { output: y, samples: 30, steps: [1e-2, 3e-3] });
    t.diagnostic(`chain max |err| ${Math.max(...checks.map((c) => c.maxAbsError)).toExponential(2)}`);
    assert.ok(gradChecksPass(checks), describeChecks(checks));
  });
});
