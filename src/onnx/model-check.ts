import { BadModelError } from '../errors.js';
import { dtypeBytes, dtypeFromCode } from './dtype.js';
import { isExternal, numelOf } from './tensor.js';
import type { Dimension, ModelProto, TensorProto, ValueInfoProto } from './types.js';

/**
 * The ai.onnx opsets ONNX Runtime 1.30 loads: 1 to 26. It refuses 27 and later ("under
 * development") and 0; checked here so that every command, `analyze` included, refuses what
 * ORT would refuse.
 */
export const ORT_OPSETS = { min: 1, max: 26 } as const;

/** The IR versions ONNX Runtime 1.30 loads (0 is "missing", 14 and later unknown to it). */
export const ORT_IR_VERSIONS = { min: 1, max: 13 } as const;

/**
 * A declared dimension as written: its size (any integer, checked by the caller), its
 * symbolic name, or undefined when it is left unset. A decoded dim with neither field reads
 * `dimValue` 0 from the prototype, so only an own `dimValue` counts as a size.
 */
export function declaredDim(d: Dimension): number | string | undefined {
  if (d.dimParam) return d.dimParam;
  return Object.hasOwn(d, 'dimValue') && d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : undefined;
}

/** Elements a tensor stores in the typed field its type uses (raw_data is checked apart). */
function storedElements(t: TensorProto): number {
  return (t.floatData?.length ?? 0) + (t.int32Data?.length ?? 0) + (t.int64Data?.length ?? 0) + (t.doubleData?.length ?? 0)
    + (t.uint64Data?.length ?? 0) + (t.stringData?.length ?? 0);
}

/** A tensor's dims must be sizes (integers >= 0) whose product is exact in a double. */
function checkDims(dims: readonly number[], what: string): number {
  for (const d of dims) {
    if (!Number.isSafeInteger(Number(d)) || Number(d) < 0) throw new BadModelError(`${what} has dimension ${d}: dimensions are sizes >= 0`);
  }
  const n = numelOf(dims.map(Number));
  if (!Number.isSafeInteger(n)) throw new BadModelError(`${what} has shape [${dims.join(', ')}], over 2^53 elements`);
  return n;
}

/**
 * A tensor's stored data against its dims and type, as ONNX Runtime checks it on load:
 * raw_data of exactly numel * bytes-per-element, or exactly numel typed values.
 * `rawLength` gives the raw_data length when the bytes are still in the file (lazy reading).
 */
export function checkTensorData(t: TensorProto, what: string, rawLength?: number): void {
  const dtype = dtypeFromCode(t.dataType, what);
  const n = checkDims(t.dims, what);
  if (isExternal(t)) return; // its bytes are checked once resolved
  const raw = rawLength ?? t.rawData?.length ?? 0;
  if (raw > 0 && dtype !== 'string') {
    const need = n * dtypeBytes(dtype);
    if (raw !== need) throw new BadModelError(`${what} holds ${raw} bytes of data; its shape [${t.dims.join(', ')}] and type ${dtype} need ${need}`);
    return;
  }
  const stored = storedElements(t);
  if (stored !== n) throw new BadModelError(`${what} holds ${stored} values; its shape [${t.dims.join(', ')}] needs ${n}`);
}

/** Declared dims of a graph input, output or value_info: sizes (>= 0) or names, never negative. */
function checkDeclared(v: ValueInfoProto, what: string): void {
  for (const [i, d] of (v.type?.tensorType?.shape?.dim ?? []).entries()) {
    const size = declaredDim(d);
    if (typeof size === 'number' && (size < 0 || !Number.isSafeInteger(size))) {
      throw new BadModelError(`${what} "${v.name}" declares dimension ${size} at position ${i}: a dimension is a size >= 0, or a name (dim_param) when it varies`);
    }
  }
}

/**
 * The checks ONNX Runtime makes when it loads a model, made before any work so that every
 * command says what is wrong with the file: the IR version and ai.onnx opset are ones ORT knows, every
 * initializer's (and Constant's) data matches its shape and type, declared dims are sizes.
 * Graph structure (cycles, dangling or duplicate names) is checked by graphFromModel.
 */
export function checkModel(model: ModelProto, what = 'model'): void {
  const ir = Number(model.irVersion);
  if (!Number.isInteger(ir) || ir < ORT_IR_VERSIONS.min || ir > ORT_IR_VERSIONS.max) {
    throw new BadModelError(`${what} has IR version ${model.irVersion}; ONNX Runtime loads IR versions ${ORT_IR_VERSIONS.min} to ${ORT_IR_VERSIONS.max}`);
  }
  for (const o of model.opsetImport) {
    if (o.domain && o.domain !== 'ai.onnx') continue;
    const v = Number(o.version);
    if (!Number.isInteger(v) || v < ORT_OPSETS.min || v > ORT_OPSETS.max) {
      throw new BadModelError(`${what} imports ai.onnx opset ${o.version}; ONNX Runtime loads opsets ${ORT_OPSETS.min} to ${ORT_OPSETS.max} (re-export the model at one of them)`);
    }
  }
  const g = model.graph;
  for (const t of g.initializer) {
    // Lazily read weights (lazy-read.ts) were checked against the length of their span.
    if (Object.getOwnPropertyDescriptor(t, 'rawData')?.get) continue;
    checkTensorData(t, `${what}: initializer "${t.name}"`);
  }
  for (const n of g.node) {
    for (const a of n.attribute) if (a.t) checkTensorData(a.t, `${what}: node "${n.name || n.opType}" attribute ${a.name}`);
  }
  for (const v of g.input) checkDeclared(v, `${what}: graph input`);
  for (const v of g.output) checkDeclared(v, `${what}: graph output`);
  for (const v of g.valueInfo) checkDeclared(v, `${what}: value_info`);
}
