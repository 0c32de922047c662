import { BadModelError } from '../errors.js';
import { type DType, dtypeBytes, dtypeCode, dtypeFromCode } from './dtype.js';
import { EXTERNAL_DATA, type TensorProto } from './types.js';

/**
 * A small tensor's values as JS numbers, for constant folding and shape arithmetic. Integer
 * types (int64 included) become exact numbers; booleans 0/1.
 */
export interface TensorValue {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}

export function numelOf(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** True when the tensor's bytes live in a separate file (ONNX external data). */
export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === EXTERNAL_DATA;
}

/** The raw little-endian bytes of a tensor, when stored as raw_data. */
export function rawBytes(t: TensorProto): Uint8Array | undefined {
  return t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
}

function readRaw(raw: Uint8Array, dtype: DType, n: number, name: string): ArrayLike<number> {
  const need = n * dtypeBytes(dtype);
  if (raw.length !== need) {
    throw new BadModelError(`tensor "${name}" holds ${raw.length} bytes, its shape and type need ${need}`);
  }
  // Copy into an aligned buffer: raw views into a file are not 4/8-byte aligned in general.
  const buf = new Uint8Array(need);
  buf.set(raw);
  const ab = buf.buffer;
  switch (dtype) {
    case 'float32': return new Float32Array(ab);
    case 'float64': return new Float64Array(ab);
    case 'int32': return new Int32Array(ab);
    case 'int16': return new Int16Array(ab);
    case 'int8': return new Int8Array(ab);
    case 'uint8': case 'bool': return buf;
    case 'uint16': return new Uint16Array(ab);
    case 'uint32': return new Uint32Array(ab);
    case 'int64': return Array.from(new BigInt64Array(ab), Number);
    case 'uint64': return Array.from(new BigUint64Array(ab), Number);
    case 'float16': return Array.from(new Uint16Array(ab), halfToFloat);
    default: throw new BadModelError(`tensor "${name}": values of type ${dtype} cannot be read`);
  }
}

/** Reads the values of an initializer or Constant tensor (not external data). */
export function tensorValue(t: TensorProto): TensorValue {
  const dtype = dtypeFromCode(t.dataType, `tensor "${t.name}"`);
  const dims = t.dims.map(Number);
  const n = numelOf(dims);
  if (isExternal(t)) throw new BadModelError(`tensor "${t.name}" is external data that was not loaded`);
  const raw = rawBytes(t);
  let data: ArrayLike<number>;
  if (raw) data = readRaw(raw, dtype, n, t.name);
  else if (t.floatData?.length) data = t.floatData;
  else if (t.int64Data?.length) data = t.int64Data.map(Number);
  else if (t.int32Data?.length) data = dtype === 'float16' ? t.int32Data.map(halfToFloat) : t.int32Data;
  else if (t.doubleData?.length) data = t.doubleData;
  else if (t.uint64Data?.length) data = t.uint64Data.map(Number);
  else data = [];
  if (data.length !== n) {
    throw new BadModelError(`tensor "${t.name}" holds ${data.length} values, its shape [${dims.join(', ')}] needs ${n}`);
  }
  return { dtype, dims, data };
}

/** Typed storage for a dtype, used when cleave writes tensors. */
export function toRawBytes(dtype: DType, data: ArrayLike<number>): Uint8Array {
  // Bounds: i < n = data.length.
  const n = data.length;
  switch (dtype) {
    case 'float32': return bytesOf(Float32Array.from(data));
    case 'float64': return bytesOf(Float64Array.from(data));
    case 'int32': return bytesOf(Int32Array.from(data));
    case 'int8': return bytesOf(Int8Array.from(data));
    case 'uint8': case 'bool': return Uint8Array.from(data);
    case 'int16': return bytesOf(Int16Array.from(data));
    case 'uint16': return bytesOf(Uint16Array.from(data));
    case 'uint32': return bytesOf(Uint32Array.from(data));
    case 'float16': {
      const h = new Uint16Array(n);
      for (let i = 0; i < n; i++) h[i] = floatToHalf(data[i]!);
      return bytesOf(h);
    }
    case 'int64': {
      // Clamp: exporters write INT64_MAX as "to the end" (Slice ends), which reads back as 2^63.
      const b = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        b[i] = v >= 2 ** 63 ? 2n ** 63n - 1n : v <= -(2 ** 63) ? -(2n ** 63n) : BigInt(Math.trunc(v));
      }
      return bytesOf(b);
    }
    case 'uint64': {
      const b = new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        const v = data[i]!;
        b[i] = v >= 2 ** 64 ? 2n ** 64n - 1n : v <= 0 ? 0n : BigInt(Math.trunc(v));
      }
      return bytesOf(b);
    }
    default: throw new BadModelError(`cannot write tensors of type ${dtype}`);
  }
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A TensorProto holding `data` as raw_data. */
export function makeTensor(name: string, dtype: DType, dims: readonly number[], data: ArrayLike<number> | Uint8Array, raw = false): TensorProto {
  const rawData = raw ? (data as Uint8Array) : toRawBytes(dtype, data);
  return { name, dataType: dtypeCode(dtype), dims: [...dims], rawData };
}

/** IEEE 754 half -> float. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float -> IEEE 754 half, round to nearest even. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!; // u32 views the 4 bytes of f32
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = 0;
  return sign | half;
}
