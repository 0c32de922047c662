import { BadRequestError } from '../errors.js';
import { floatToHalf, halfToFloat } from '../onnx/tensor.js';
import { CODEC_DATATYPE, CODEC_NAMES, type CodecName, type CodecParameters, INNER_BYTES, fromBase64, numberParameter, shapeParameter, toBase64 } from '../protocol/codec-parameters.js';
import { deflate, inflate } from './deflate.js';
import { type AffineParams, dequantizePerChannel, dequantizePerTensor, quantizePerChannel, quantizePerTensor } from './quantize.js';

/**
 * Codecs for the float32 tensor at the cut. An encoded tensor is plain protocol data (a v2
 * datatype, a shape, little-endian bytes) plus `cleave_*` parameters that say how to get the
 * float32 tensor back (protocol/codec-parameters.ts), so it travels in a standard KServe v2
 * request.
 */

export interface CodecSpec {
  readonly name: CodecName;
  /** lossless deflate on top */
  readonly deflate?: boolean;
  /** channel axis for int8-channel (default 1: NCHW) */
  readonly axis?: number;
}

/** A float32 tensor (the cut tensor, as the head produces it and the tail consumes it). */
export interface FloatTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** A tensor encoded by a codec, ready to be a v2 input: datatype, shape, bytes and the codec's parameters. */
export interface EncodedTensor {
  readonly datatype: 'FP32' | 'FP16' | 'INT8' | 'UINT8';
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
  readonly parameters: CodecParameters;
}

/** Parses `fp16`, `int8-channel+deflate`, `int8-channel:2` (axis) and so on. */
export function parseCodec(text: string): CodecSpec {
  const parts = text.trim().toLowerCase().split('+');
  const [head, ...rest] = parts;
  const [name, axisText] = (head ?? '').split(':');
  if (name === 'raw') return parseCodec(['fp32', ...rest].join('+'));
  if (!CODEC_NAMES.includes(name as CodecName)) throw new BadRequestError(`unknown codec "${text}": use one of ${CODEC_NAMES.join(', ')}, optionally +deflate`);
  if (rest.some((r) => r !== 'deflate')) throw new BadRequestError(`unknown codec option in "${text}": only +deflate exists`);
  const axis = axisText === undefined ? undefined : Number(axisText);
  if (axis !== undefined && (!Number.isInteger(axis) || axis < 0 || name !== 'int8-channel')) throw new BadRequestError(`codec "${text}": an axis is given as int8-channel:N`);
  return { name: name as CodecName, ...(rest.length ? { deflate: true } : {}), ...(axis !== undefined ? { axis } : {}) };
}

/** The text `parseCodec` reads back (`int8-channel:2+deflate`). */
export function codecLabel(spec: CodecSpec): string {
  return `${spec.name}${spec.axis !== undefined ? `:${spec.axis}` : ''}${spec.deflate ? '+deflate' : ''}`;
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Encodes a float32 tensor with a codec. */
export async function encodeTensor(t: FloatTensor, spec: CodecSpec): Promise<EncodedTensor> {
  let datatype: EncodedTensor['datatype'];
  let bytes: Uint8Array;
  const parameters: CodecParameters = spec.name === 'fp32' && !spec.deflate ? {} : { cleave_codec: spec.name };
  switch (spec.name) {
    case 'fp32':
      datatype = 'FP32';
      bytes = bytesOf(t.data);
      break;
    case 'fp16': {
      const h = new Uint16Array(t.data.length);
      for (let i = 0; i < h.length; i++) h[i] = floatToHalf(t.data[i]!); // i < h.length = t.data.length
      datatype = 'FP16';
      bytes = bytesOf(h);
      break;
    }
    case 'int8': {
      const { q, params } = quantizePerTensor(t.data);
      datatype = 'INT8';
      bytes = bytesOf(q);
      parameters.cleave_scale = params.scale;
      parameters.cleave_zero_point = params.zeroPoint;
      break;
    }
    case 'int8-channel': {
      const axis = spec.axis ?? 1;
      if (axis >= t.dims.length) throw new BadRequestError(`int8-channel: axis ${axis} is outside a tensor of rank ${t.dims.length}`);
      const { q, params } = quantizePerChannel(t.data, t.dims, axis);
      datatype = 'INT8';
      bytes = bytesOf(q);
      parameters.cleave_axis = axis;
      parameters.cleave_scales = toBase64(bytesOf(Float32Array.from(params, (p) => p.scale)));
      parameters.cleave_zero_points = toBase64(bytesOf(Int8Array.from(params, (p) => p.zeroPoint)));
      break;
    }
  }
  if (!spec.deflate) return { datatype, shape: [...t.dims], bytes, parameters };
  const packed = await deflate(bytes);
  parameters.cleave_deflate = true;
  parameters.cleave_datatype = datatype;
  parameters.cleave_shape = t.dims.join(',');
  return { datatype: 'UINT8', shape: [packed.length], bytes: packed, parameters };
}

/** An aligned copy of `bytes` (views into an HTTP body are not aligned for typed arrays). */
function aligned(bytes: Uint8Array): ArrayBuffer {
  const c = new Uint8Array(bytes.length);
  c.set(bytes);
  return c.buffer;
}

/**
 * Decodes a tensor encoded by `encodeTensor` back to float32. `datatype`, `shape` and `bytes`
 * are what the request carried; everything is checked, since it comes off the network.
 */
export async function decodeTensor(datatype: string, shape: readonly number[], bytes: Uint8Array, parameters: CodecParameters, maxElements = 1 << 28): Promise<FloatTensor> {
  // No cleave_codec: a plain FP32 tensor (the raw codec adds no parameters).
  // Bounds: inner is a key of INNER_BYTES (checked), i < h.length, axis < dims.length (checked) and c < channels = z's length (checked).
  const name = parameters.cleave_codec ?? 'fp32';
  if (typeof name !== 'string' || !CODEC_NAMES.includes(name as CodecName)) throw new BadRequestError(`unknown cleave_codec ${JSON.stringify(name)}: use one of ${CODEC_NAMES.join(', ')}`);
  const codec = name as CodecName;
  let dims = [...shape];
  let inner = datatype;
  let raw = bytes;
  if (parameters.cleave_deflate === true) {
    if (datatype !== 'UINT8' || shape.length !== 1) throw new BadRequestError('deflated cut tensors travel as UINT8 of shape [bytes]');
    dims = shapeParameter(parameters.cleave_shape, maxElements);
    inner = String(parameters.cleave_datatype);
    if (!(inner in INNER_BYTES)) throw new BadRequestError(`cleave_datatype ${inner} is not FP32, FP16 or INT8`);
    const expect = dims.reduce((a, b) => a * b, 1) * INNER_BYTES[inner]!;
    raw = await inflate(bytes, expect);
    if (raw.length !== expect) throw new BadRequestError(`deflated data inflates to ${raw.length} bytes, shape [${dims.join(', ')}] of ${inner} needs ${expect}`);
  }
  if (inner !== CODEC_DATATYPE[codec]) throw new BadRequestError(`codec ${codec} travels as ${CODEC_DATATYPE[codec]}, not ${inner}`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== count * INNER_BYTES[inner]!) throw new BadRequestError(`codec ${codec}: ${raw.length} bytes do not fit shape [${dims.join(', ')}]`);
  switch (codec) {
    case 'fp32':
      return { dims, data: new Float32Array(aligned(raw)) };
    case 'fp16': {
      const h = new Uint16Array(aligned(raw));
      const out = new Float32Array(h.length);
      for (let i = 0; i < h.length; i++) out[i] = halfToFloat(h[i]!);
      return { dims, data: out };
    }
    case 'int8': {
      const p: AffineParams = { scale: numberParameter(parameters, 'cleave_scale'), zeroPoint: numberParameter(parameters, 'cleave_zero_point') };
      return { dims, data: dequantizePerTensor(new Int8Array(aligned(raw)), p) };
    }
    case 'int8-channel': {
      const axis = numberParameter(parameters, 'cleave_axis');
      if (!Number.isInteger(axis) || axis < 0 || axis >= dims.length) throw new BadRequestError(`cleave_axis ${axis} is outside a tensor of rank ${dims.length}`);
      const channels = dims[axis]!;
      const scales = fromBase64(String(parameters.cleave_scales), 'cleave_scales');
      const zps = fromBase64(String(parameters.cleave_zero_points), 'cleave_zero_points');
      if (scales.length !== channels * 4 || zps.length !== channels) throw new BadRequestError(`int8-channel: need ${channels} scales and zero points for axis ${axis}`);
      const s = new Float32Array(aligned(scales));
      const z = new Int8Array(aligned(zps));
      const params = Array.from(s, (scale, c) => ({ scale, zeroPoint: z[c]! }));
      return { dims, data: dequantizePerChannel(new Int8Array(aligned(raw)), dims, axis, params) };
    }
  }
}
