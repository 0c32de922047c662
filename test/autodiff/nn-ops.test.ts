import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float } from '../../src/graph/builder.js';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

async function expectClose(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

describe('gradients of the nn ops against finite differences', () => {
  it('Gemm: every transA/transB combination, alpha, beta and a broadcast C', async () => {
    for (const [ta, tb] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) {
      const a = ta ? [4, 3] : [3, 4];
      const b = tb ? [5, 4] : [4, 5];
      await expectClose('Gemm', [{ shape: a }, { shape: b }, { shape: [5] }], { transA: ta, transB: tb, alpha: float(0.7), beta: float(1.3) });
    }
    await expectClose('Gemm', [{ shape: [3, 4] }, { shape: [4, 2] }, { shape: [3, 1] }]);
  });

  it('MatMul: batched with broadcasting, and 1-D operands', async () => {
    await expectClose('MatMul', [{ shape: [2, 3, 4] }, { shape: [4, 5] }]);
    await expectClose('MatMul', [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }]);
    await expectClose('MatMul', [{ shape: [4] }, { shape: [2, 4, 3] }]);
    await expectClose('MatMul', [{ shape: [3, 4] }, { shape: [4] }]);
  });

  it('MaxPool: non-overlapping, overlapping with pads and strides, ceil_mode', async () => {
    await expectClose('MaxPool', [{ shape: [2, 3, 6, 6] }], { kernel_shape: [2, 2], strides: [2, 2] });
    await expectClose('MaxPool', [{ shape: [1, 2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    await expectClose('MaxPool', [{ shape: [1, 2, 7, 6] }], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });
  });

  it('AveragePool: with and without counting pads, strides that skip rows', async () => {
    await expectClose('AveragePool', [{ shape: [2, 3, 6, 6] }], { kernel_shape: [2, 2], strides: [2, 2] });
    await expectClose('AveragePool', [{ shape: [1, 2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 });
    await expectClose('AveragePool', [{ shape: [1, 2, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    await expectClose('AveragePool', [{ shape: [1, 2, 8, 8] }], { kernel_shape: [3, 3], strides: [3, 3] });
  });

  it('GlobalAveragePool and GlobalMaxPool', async () => {
    await expectClose('GlobalAveragePool', [{ shape: [2, 3, 4, 5] }]);
    await expectClose('GlobalMaxPool', [{ shape: [2, 3, 4, 5] }]);
  });

  it('BatchNormalization: inference mode and training mode (batch statistics)', async () => {
    const stats = (c: number) => [{ shape: [c] }, { shape: [c] }, { shape: [c], value: new Array(c).fill(0).map((_, i) => 0.1 * i) }, { shape: [c], value: new Array(c).fill(0).map((_, i) => 0.5 + 0.2 * i) }];
    await expectClose('BatchNormalization', [{ shape: [2, 3, 4, 4] }, ...stats(3)], { epsilon: float(1e-5) });
    await expectClose('BatchNormalization', [{ shape: [4, 3, 3, 3] }, ...stats(3)], { epsilon: float(1e-5), training_mode: 1 }, { outputs: 3, eps: 3e-3 });
  });

  it('InstanceNormalization: per-sample, per-channel statistics over space', async () => {
    await expectClose('InstanceNormalization', [{ shape: [2, 3, 4, 5] }, { shape: [3] }, { shape: [3] }], { epsilon: float(1e-5) }, { eps: 3e-3 });
  });

  it('LayerNormalization over the last axes, with broadcast scale and bias', async () => {
    await expectClose('LayerNormalization', [{ shape: [2, 3, 4] }, { shape: [4] }, { shape: [4] }], { axis: -1, epsilon: float(1e-5) }, { eps: 3e-3 });
    await expectClose('LayerNormalization', [{ shape: [2, 3, 4] }, { shape: [3, 4] }, { shape: [3, 4] }], { axis: 1 }, { eps: 3e-3 });
  });

  it('Resize nearest by integer factors (half_pixel and asymmetric/floor)', async () => {
    const empty = { shape: [0], value: [] };
    await expectClose('Resize', [{ shape: [1, 2, 3, 2] }, empty, { shape: [4], value: [1, 1, 2, 3] }], { mode: 'nearest' });
    await expectClose('Resize', [{ shape: [1, 2, 3, 2] }, empty, { shape: [4], value: [1, 1, 3, 2] }], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  });

  it('Dropout: identity in inference, mask-scaled in training', async () => {
    await expectClose('Dropout', [{ shape: [3, 4] }, { shape: [], value: [0.3] }]);
    await expectClose('Dropout', [{ shape: [3, 4] }, { shape: [], value: [0.0] }, { shape: [], dtype: 'bool', value: [1] }], {}, { outputs: 2 });
  });

  it('ConvTranspose: strides, pads, output_padding, groups', async () => {
    await expectClose('ConvTranspose', [{ shape: [2, 3, 4, 4] }, { shape: [3, 2, 3, 3] }, { shape: [2] }], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
    await expectClose('ConvTranspose', [{ shape: [1, 4, 3, 5] }, { shape: [4, 1, 2, 3] }], { group: 2, strides: [1, 2] });
  });

  it('Softmax and LogSoftmax, at opset 13 and in the opset 11 2-D form', async () => {
    await expectClose('Softmax', [{ shape: [2, 3, 4] }], { axis: 1 });
    await expectClose('LogSoftmax', [{ shape: [3, 5] }], { axis: -1 });
    await expectClose('Softmax', [{ shape: [2, 3, 4] }], { axis: 1 }, { opset: 11 });
    await expectClose('LogSoftmax', [{ shape: [2, 3, 4] }], { axis: 1 }, { opset: 11 });
  });

  it('activations: Sigmoid, Tanh, Exp, Log, Sqrt, Neg, Abs, Reciprocal, Erf, Softplus', async () => {
    for (const op of ['Sigmoid', 'Tanh', 'Exp', 'Neg', 'Erf', 'Softplus']) await expectClose(op, [{ shape: [3, 4] }]);
    for (const op of ['Log', 'Sqrt', 'Reciprocal']) await expectClose(op, [{ shape: [3, 4], positive: true, awayFromZero: 0.5 }]);
    await expectClose('Abs', [{ shape: [3, 4], awayFromZero: 0.05 }]);
  });

  it('activations with kinks: LeakyRelu, Elu, Selu, HardSigmoid, HardSwish, Clip, PRelu', async () => {
    await expectClose('LeakyRelu', [{ shape: [3, 4], awayFromZero: 0.05 }], { alpha: float(0.2) });
    await expectClose('Elu', [{ shape: [3, 4], awayFromZero: 0.05 }], { alpha: float(0.8) });
    await expectClose('Selu', [{ shape: [3, 4], awayFromZero: 0.05 }]);
    await expectClose('HardSigmoid', [{ shape: [3, 4] }], { alpha: float(0.3) });
    await expectClose('HardSwish', [{ shape: [4, 5] }]);
    await expectClose('Clip', [{ shape: [4, 5] }, { shape: [], value: [-0.5] }, { shape: [], value: [0.7] }]);
    await expectClose('PRelu', [{ shape: [2, 3, 4], awayFromZero: 0.05 }, { shape: [3, 1] }]);
  });

  it('Gelu, exact and tanh-approximated (opset 20)', async () => {
    await expectClose('Gelu', [{ shape: [3, 4] }], {}, { opset: 20 });
    await expectClose('Gelu', [{ shape: [3, 4] }], { approximate: 'tanh' }, { opset: 20 });
  });

  it('Pow, and the variadic Sum, Mean, Max, Min with broadcasting', async () => {
    await expectClose('Pow', [{ shape: [3, 4], positive: true, awayFromZero: 0.5 }, { shape: [4] }]);
    await expectClose('Sum', [{ shape: [2, 3] }, { shape: [3] }, { shape: [2, 1] }]);
    await expectClose('Mean', [{ shape: [2, 3] }, { shape: [3] }]);
    await expectClose('Max', [{ shape: [2, 3] }, { shape: [3] }]);
    await expectClose('Min', [{ shape: [2, 3] }, { shape: [2, 3] }]);
  });
});
