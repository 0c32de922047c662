import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { CODEC_NAMES } from '../../src/protocol/codec-parameters.js';
import { type CodecSpec, decodeTensor, encodeTensor, parseCodec } from '../../src/compress/codec.js';
import { Random } from '../../src/graph/random.js';

function activations(dims: number[], seed = 3): Float32Array {
  const rng = new Random(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const inner = (dims[2] ?? 1) * (dims[3] ?? 1);
  // ReLU-like: many zeros, channel scales that differ by 100x (what per-channel is for).
  return Float32Array.from({ length: n }, (_, i) => Math.max(0, rng.normal()) * 10 ** (Math.floor(i / inner) % (dims[1] ?? 1) % 3 - 1));
}

function maxAbsError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

async function roundTrip(x: Float32Array, dims: number[], spec: CodecSpec): Promise<{ y: Float32Array; bytes: number }> {
  const e = await encodeTensor({ dims, data: x }, spec);
  const d = await decodeTensor(e.datatype, e.shape, e.bytes, e.parameters);
  assert.deepEqual(d.dims, dims);
  return { y: d.data, bytes: e.bytes.length };
}

describe('cut codecs', () => {
  const dims = [2, 6, 5, 4];
  const x = activations(dims);

  it('fp32 is exact and sends 4 bytes per value with no parameters', async () => {
    const e = await encodeTensor({ dims, data: x }, { name: 'fp32' });
    assert.deepEqual(e.parameters, {});
    assert.equal(e.bytes.length, x.length * 4);
    const { y } = await roundTrip(x, dims, { name: 'fp32' });
    assert.deepEqual(y, x);
  });

  it('fp16 halves the bytes with relative error under 2^-11', async () => {
    const { y, bytes } = await roundTrip(x, dims, { name: 'fp16' });
    assert.equal(bytes, x.length * 2);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(y[i]! - x[i]!) <= Math.abs(x[i]!) * 2 ** -11 + 1e-7, `element ${i}`);
  });

  it('int8 per tensor: error at most half a step, zeros exact', async () => {
    const e = await encodeTensor({ dims, data: x }, { name: 'int8' });
    const scale = e.parameters.cleave_scale as number;
    const { y, bytes } = await roundTrip(x, dims, { name: 'int8' });
    assert.equal(bytes, x.length);
    assert.ok(maxAbsError(x, y) <= scale / 2 + 1e-6);
    for (let i = 0; i < x.length; i++) if (x[i] === 0) assert.equal(y[i], 0);
  });

  it('int8 per channel beats per tensor on channels of very different scale', async () => {
    const perTensor = await roundTrip(x, dims, { name: 'int8' });
    const perChannel = await roundTrip(x, dims, { name: 'int8-channel' });
    const relErr = (y: Float32Array) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += Math.abs(y[i]! - x[i]!) / (Math.abs(x[i]!) + 1e-3);
      return s / x.length;
    };
    assert.ok(relErr(perChannel.y) < relErr(perTensor.y) / 2, `${relErr(perChannel.y)} vs ${relErr(perTensor.y)}`);
  });

  it('deflate is lossless on top of every codec and shrinks sparse activations', async () => {
    for (const name of CODEC_NAMES) {
      const plain = await roundTrip(x, dims, { name });
      const packed = await roundTrip(x, dims, { name, deflate: true });
      assert.deepEqual(packed.y, plain.y, name);
      assert.ok(packed.bytes < plain.bytes, `${name}: ${packed.bytes} >= ${plain.bytes}`);
    }
  });

  it('parseCodec reads names, axis and +deflate, and rejects the rest', () => {
    assert.deepEqual(parseCodec('raw'), { name: 'fp32' });
    assert.deepEqual(parseCodec('int8-channel:2+deflate'), { name: 'int8-channel', deflate: true, axis: 2 });
    assert.throws(() => parseCodec('int4'), BadRequestError);
    assert.throws(() => parseCodec('fp16+zstd'), BadRequestError);
    assert.throws(() => parseCodec('int8:1'), BadRequestError);
  });

  it('decoding rejects forged parameters: bad codec, sizes, a deflate bomb, corrupt deflate', async () => {
    const e = await encodeTensor({ dims, data: x }, { name: 'int8', deflate: true });
    await assert.rejects(decodeTensor('INT8', dims, new Uint8Array(x.length), { cleave_codec: 'int3' }), /unknown cleave_codec/);
    await assert.rejects(decodeTensor('INT8', dims, new Uint8Array(5), { cleave_codec: 'int8', cleave_scale: 1, cleave_zero_point: 0 }), /do not fit/);
    await assert.rejects(decodeTensor('INT8', dims, new Uint8Array(x.length), { cleave_codec: 'int8' }), /cleave_scale/);
    // a shape claiming fewer elements than the stream inflates to: stopped at the bound
    await assert.rejects(decodeTensor(e.datatype, e.shape, e.bytes, { ...e.parameters, cleave_shape: '1,2' }), /inflates to more than/);
    await assert.rejects(decodeTensor(e.datatype, e.shape, Uint8Array.from([1, 2, 3, 4]), e.parameters), /corrupt/);
    await assert.rejects(decodeTensor('UINT8', [3], new Uint8Array(3), { ...e.parameters, cleave_shape: '100000,100000,100000' }), /larger than allowed/);
  });
});
