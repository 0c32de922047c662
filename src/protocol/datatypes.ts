import { BadRequestError } from '../errors.js';
import type { DType } from '../onnx/dtype.js';
import { floatToHalf, halfToFloat } from '../onnx/tensor.js';

/** Tensor element types of the KServe v2 / Open Inference Protocol. */
export type V2Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** Element storage: one typed array per numeric type; BYTES elements are byte strings. */
export type TensorData =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | readonly Uint8Array[];

const V2_TO_DTYPE: Readonly<Record<V2Datatype, DType>> = {
  BOOL: 'bool', UINT8: 'uint8', UINT16: 'uint16', UINT32: 'uint32', UINT64: 'uint64', INT8: 'int8', INT16: 'int16',
  INT32: 'int32', INT64: 'int64', FP16: 'float16', FP32: 'float32', FP64: 'float64', BYTES: 'string',
};

const DTYPE_TO_V2: ReadonlyMap<DType, V2Datatype> = new Map(Object.entries(V2_TO_DTYPE).map(([k, v]) => [v, k as V2Datatype]));

const ELEMENT_BYTES: Readonly<Record<V2Datatype, number>> = {
  BOOL: 1, UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8, INT8: 1, INT16: 2, INT32: 4, INT64: 8, FP16: 2, FP32: 4, FP64: 8, BYTES: 0,
};

export function isV2Datatype(s: unknown): s is V2Datatype {
  return typeof s === 'string' && Object.hasOwn(ELEMENT_BYTES, s);
}

export function v2ToDType(dt: V2Datatype): DType {
  return V2_TO_DTYPE[dt];
}

/** The v2 name of an ONNX element type, or undefined when the protocol has none (bfloat16). */
export function dtypeToV2(d: DType): V2Datatype | undefined {
  return DTYPE_TO_V2.get(d);
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A typed array of `count` elements of `dt` over `ab` at an aligned `offset`. */
function typedView(dt: Exclude<V2Datatype, 'BYTES'>, ab: ArrayBuffer, offset: number, count: number): Exclude<TensorData, readonly Uint8Array[]> {
  switch (dt) {
    case 'BOOL': case 'UINT8': return new Uint8Array(ab, offset, count);
    case 'INT8': return new Int8Array(ab, offset, count);
    case 'UINT16': case 'FP16': return new Uint16Array(ab, offset, count);
    case 'INT16': return new Int16Array(ab, offset, count);
    case 'UINT32': return new Uint32Array(ab, offset, count);
    case 'INT32': return new Int32Array(ab, offset, count);
    case 'UINT64': return new BigUint64Array(ab, offset, count);
    case 'INT64': return new BigInt64Array(ab, offset, count);
    case 'FP32': return new Float32Array(ab, offset, count);
    case 'FP64': return new Float64Array(ab, offset, count);
  }
}

/**
 * Decodes the binary form of a tensor (little-endian, row major, no padding; BYTES as 4-byte
 * length + bytes per element), checking that the size matches the shape exactly. The result
 * may be a view into `bytes`: do not modify `bytes` while it is in use.
 */
export function fromBinary(dt: V2Datatype, shape: readonly number[], bytes: Uint8Array, what: string): TensorData {
  const count = elementCount(shape);
  if (dt === 'BYTES') {
    const out: Uint8Array[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let p = 0;
    while (p < bytes.length) {
      if (p + 4 > bytes.length) throw new BadRequestError(`${what}: BYTES data ends inside a length prefix`);
      const len = view.getUint32(p, true);
      p += 4;
      if (p + len > bytes.length) throw new BadRequestError(`${what}: BYTES element of ${len} bytes runs past the end of its data`);
      out.push(bytes.slice(p, p + len));
      p += len;
    }
    if (out.length !== count) throw new BadRequestError(`${what}: ${out.length} BYTES elements given, shape [${shape.join(', ')}] needs ${count}`);
    return out;
  }
  const need = count * ELEMENT_BYTES[dt];
  if (bytes.length !== need) {
    throw new BadRequestError(`${what}: ${bytes.length} bytes of ${dt} data given, shape [${shape.join(', ')}] needs ${need}`);
  }
  if (dt === 'BOOL') for (const b of bytes) if (b > 1) throw new BadRequestError(`${what}: BOOL bytes must be 0 or 1, got ${b}`);
  // A view when the bytes sit at an aligned offset (senders pad the JSON header for that);
  // else a copy, since typed arrays need aligned offsets. Views keep the body alive.
  if (bytes.byteOffset % ELEMENT_BYTES[dt] === 0) return typedView(dt, bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const copy = new Uint8Array(need);
  copy.set(bytes);
  return typedView(dt, copy.buffer, 0, count);
}

/** The binary form of a tensor's data (a view when the data is already a typed array). */
export function toBinary(dt: V2Datatype, data: TensorData): Uint8Array {
  if (dt === 'BYTES') {
    const items = data as readonly Uint8Array[];
    let total = 0;
    for (const it of items) total += 4 + it.length;
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    let p = 0;
    for (const it of items) {
      view.setUint32(p, it.length, true);
      out.set(it, p + 4);
      p += 4 + it.length;
    }
    return out;
  }
  const a = data as ArrayBufferView;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

const INT_RANGE: Partial<Record<V2Datatype, readonly [number, number]>> = {
  UINT8: [0, 255], INT8: [-128, 127], UINT16: [0, 65535], INT16: [-32768, 32767],
  UINT32: [0, 4294967295], INT32: [-2147483648, 2147483647],
  UINT64: [0, Number.MAX_SAFE_INTEGER], INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Flattens JSON tensor data (flat or nested row-major arrays) without recursion limits on width. */
function flatten(data: unknown, what: string): unknown[] {
  // Bounds: stack and index have depth + 1 entries, pushed and popped together.
  if (!Array.isArray(data)) return [data];
  if (!data.some(Array.isArray)) return data;
  const out: unknown[] = [];
  const stack: unknown[][] = [data];
  const index: number[] = [0];
  let depth = 0;
  while (depth >= 0) {
    const arr = stack[depth]!;
    const i = index[depth]!;
    if (i >= arr.length) { depth--; if (depth >= 0) index[depth]!++; continue; }
    const v = arr[i];
    if (Array.isArray(v)) {
      if (depth > 64) throw new BadRequestError(`${what}: data nested deeper than 64 levels`);
      depth++; stack[depth] = v; index[depth] = 0;
    } else {
      out.push(v);
      index[depth] = i + 1;
    }
  }
  return out;
}

/** Decodes JSON tensor data, checking element count, type and integer range. */
export function fromJson(dt: V2Datatype, shape: readonly number[], data: unknown, what: string): TensorData {
  const flat = flatten(data, what);
  const count = elementCount(shape);
  if (flat.length !== count) throw new BadRequestError(`${what}: ${flat.length} values given, shape [${shape.join(', ')}] needs ${count}`);
  if (dt === 'BYTES') {
    const enc = new TextEncoder();
    return flat.map((v, i) => {
      if (typeof v !== 'string') throw new BadRequestError(`${what}: BYTES element ${i} is not a string`);
      return enc.encode(v);
    });
  }
  if (dt === 'BOOL') {
    const out = new Uint8Array(count);
    flat.forEach((v, i) => {
      if (typeof v !== 'boolean') throw new BadRequestError(`${what}: BOOL element ${i} is not true or false`);
      out[i] = v ? 1 : 0;
    });
    return out;
  }
  const nums = new Float64Array(count);
  const range = INT_RANGE[dt];
  flat.forEach((v, i) => {
    if (typeof v !== 'number') throw new BadRequestError(`${what}: element ${i} is ${v === null ? 'null' : typeof v}, ${dt} needs numbers`);
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw new BadRequestError(`${what}: element ${i} (${v}) is not a ${dt} value`);
    }
    nums[i] = v;
  });
  switch (dt) {
    case 'FP16': return Uint16Array.from(nums, floatToHalf);
    case 'FP32': return Float32Array.from(nums);
    case 'FP64': return nums;
    case 'UINT8': return Uint8Array.from(nums);
    case 'INT8': return Int8Array.from(nums);
    case 'UINT16': return Uint16Array.from(nums);
    case 'INT16': return Int16Array.from(nums);
    case 'UINT32': return Uint32Array.from(nums);
    case 'INT32': return Int32Array.from(nums);
    case 'UINT64': return BigUint64Array.from(nums, (x) => BigInt(x));
    case 'INT64': return BigInt64Array.from(nums, (x) => BigInt(x));
  }
}

/** JSON form of tensor data: a flat row-major array (int64 as numbers, FP16 widened). */
export function toJson(dt: V2Datatype, data: TensorData): (number | boolean | string)[] {
  if (dt === 'BYTES') {
    const dec = new TextDecoder();
    return (data as readonly Uint8Array[]).map((b) => dec.decode(b));
  }
  if (dt === 'BOOL') return Array.from(data as Uint8Array, (b) => b !== 0);
  if (dt === 'FP16') return Array.from(data as Uint16Array, halfToFloat);
  if (dt === 'INT64' || dt === 'UINT64') return Array.from(data as BigInt64Array, Number);
  return Array.from(data as Float32Array);
}
