import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { avgPool, batchNorm, concat, conv2d, dropout, linear, relu6 } from '../../src/models/layers.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { randomTensor } from '../../test-support/random-tensor.js';

/** Builds a one-input model around `body` and runs it on `x`. */
async function run(shape: readonly number[], body: (b: ModelBuilder, x: string) => string, x?: RunTensor): Promise<{ model: ModelProto; y: RunTensor }> {
  const b = new ModelBuilder({ seed: 5 });
  const input = b.input('input', 'float32', shape);
  const out = body(b, input);
  b.output(out, 'float32');
  const model = b.build();
  for (const o of model.graph.output) o.type = { tensorType: null };
  const session = await Session.fromModel(model);
  try {
    const result = await session.run({ input: x ?? randomTensor('float32', shape, 11) });
    const y = result[out];
    assert.ok(y, `output ${out} missing`);
    return { model, y };
  } finally {
    await session.release();
  }
}

const initDims = (m: ModelProto, name: string): number[] | undefined => m.graph.initializer.find((t) => t.name === name)?.dims.map(Number);

describe('models/layers', () => {
  it('conv2d: stride, pad, dilation and groups give the PyTorch output size; weight [out, in/groups, kh, kw]', async () => {
    const { model, y } = await run([1, 6, 15, 12], (b, x) => conv2d(b, x, 'block.conv', {
      inChannels: 6, outChannels: 4, kernel: [3, 2], stride: [2, 1], pad: [1, 2], dilation: 2, groups: 2,
    }));
    // H: (15 + 2 - 2*(3-1) - 1)/2 + 1 = 7; W: (12 + 4 - 2*(2-1) - 1)/1 + 1 = 14
    assert.deepEqual(y.dims, [1, 4, 7, 14]);
    assert.deepEqual(initDims(model, 'block.conv.weight'), [4, 3, 3, 2]);
    assert.deepEqual(initDims(model, 'block.conv.bias'), [4]);
    assert.equal(model.graph.node[0]?.name, 'block.conv');
    assert.equal(model.graph.node[0]?.output[0], 'block.conv');
  });

  it('conv2d: bias false leaves the bias out; groups that do not divide the channels are refused', async () => {
    const { model } = await run([1, 4, 5, 5], (b, x) => conv2d(b, x, 'c', { inChannels: 4, outChannels: 8, kernel: 1, bias: false }));
    assert.deepEqual(model.graph.node[0]?.input.length, 2);
    assert.equal(initDims(model, 'c.bias'), undefined);
    const b = new ModelBuilder();
    assert.throws(() => conv2d(b, 'x', 'bad', { inChannels: 6, outChannels: 4, kernel: 3, groups: 4 }), BadRequestError);
  });

  it('batchNorm: neutral statistics scale by 1/sqrt(1 + eps); running stats are named as in torchvision', async () => {
    const x = randomTensor('float32', [1, 3, 4, 4], 2);
    const { model, y } = await run([1, 3, 4, 4], (b, t) => batchNorm(b, t, 'bn1', 3), x);
    const k = 1 / Math.sqrt(1 + 1e-5);
    for (let i = 0; i < x.data.length; i++) assert.ok(Math.abs((y.data[i] as number) - (x.data[i] as number) * k) < 1e-6);
    for (const s of ['weight', 'bias', 'running_mean', 'running_var']) assert.deepEqual(initDims(model, `bn1.${s}`), [3]);
  });

  it('batchNorm: seeded statistics make it differ from an identity', async () => {
    const x = randomTensor('float32', [1, 3, 4, 4], 2);
    const { y } = await run([1, 3, 4, 4], (b, t) => batchNorm(b, t, 'bn1', 3, { stats: 'seeded' }), x);
    let diff = 0;
    for (let i = 0; i < x.data.length; i++) diff = Math.max(diff, Math.abs((y.data[i] as number) - (x.data[i] as number)));
    assert.ok(diff > 0.05, `max difference ${diff}`);
  });

  it('relu6: Clip with min/max inputs, bounds shared by every ReLU6 of the model', async () => {
    const data = Float32Array.from([-3, -0.5, 0, 2.5, 6, 9, 100, 5.9]);
    const { model, y } = await run([1, 8], (b, x) => relu6(b, relu6(b, x, 'a'), 'b'), { dtype: 'float32', dims: [1, 8], data });
    assert.deepEqual(Array.from(y.data as Float32Array), [0, 0, 0, 2.5, 6, 6, 6, 5.900000095367432]);
    assert.deepEqual(model.graph.node.map((n) => n.input.length), [3, 3]);
    assert.equal(model.graph.initializer.length, 2);
  });

  it('linear: Gemm with transB keeps the [out, in] weight and computes x W^T + b', async () => {
    const data = Float32Array.from([1, 2, 3, -1, 0, 2]);
    const { model, y } = await run([2, 3], (b, x) => linear(b, x, 'fc', { inFeatures: 3, outFeatures: 2, init: { kind: 'values', data: [1, 0, 1, 0, 2, -1] } }),
      { dtype: 'float32', dims: [2, 3], data });
    // rows: [1+3, 4-3] and [-1+2, 0-2]; bias zeros
    assert.deepEqual(Array.from(y.data as Float32Array), [4, 1, 1, -2]);
    assert.deepEqual(initDims(model, 'fc.weight'), [2, 3]);
  });

  it('dropout is an identity at inference; a ratio outside [0, 1) is refused', async () => {
    const x = randomTensor('float32', [2, 5], 4);
    const { y } = await run([2, 5], (b, t) => dropout(b, t, 'drop', 0.3), x);
    assert.deepEqual(Array.from(y.data as Float32Array), Array.from(x.data as Float32Array));
    assert.throws(() => dropout(new ModelBuilder(), 'x', 'd', 1), BadRequestError);
  });

  it('concat stacks channels; avgPool counts padded cells like PyTorch', async () => {
    const { y } = await run([1, 2, 3, 3], (b, x) => concat(b, [x, x, x], 'cat'));
    assert.deepEqual(y.dims, [1, 6, 3, 3]);
    const ones = { dtype: 'float32' as const, dims: [1, 1, 2, 2], data: new Float32Array(4).fill(1) };
    const pooled = await run([1, 1, 2, 2], (b, x) => avgPool(b, x, 'pool', { kernel: 2, stride: 2, pad: 1 }), ones);
    // each 2x2 window over the padded 4x4 holds one real 1 and three padded zeros
    assert.deepEqual(Array.from(pooled.y.data as Float32Array), [0.25, 0.25, 0.25, 0.25]);
  });
});
