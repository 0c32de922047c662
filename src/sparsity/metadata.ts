import { BadModelError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';

/**
 * How a sparse model remembers its masks: one `metadata_props` entry, `cleave.sparsity`, a
 * JSON list with a record per sparse layer naming the tensors that hold its mask. The masks
 * themselves are initializers read by nodes, so they survive a cut (which keeps every node a
 * side needs, and copies metadata). A layer named in a record is sparse already: sparsify
 * refuses to put a second mask on it.
 *
 * - `compact`: the layer still reads its weight under the original name, but that tensor is
 *   computed by a small constant subgraph from `values` (the kept weights, packed) and `mask`
 *   (one bit per connection). Training `values` trains exactly W ⊙ M: a dropped weight has no
 *   parameter to revive.
 * - `structured`: the layer runs as a grouped Conv / block-diagonal MatMul after a channel
 *   permutation, its weight holding only the kept connections. The permutation is a Gather
 *   reading `permutation`, or (`folded`, fold.ts) already applied to the output channels of
 *   the dense layer that computes the input, its `order` kept here. A cut between that layer
 *   and this one leaves the head's output in the permuted order; the tail expects it so.
 */
export const SPARSITY_KEY = 'cleave.sparsity';
const FORMAT = 1;

export type SparseOp = 'Conv' | 'Gemm' | 'MatMul';
export type SparseForm = 'compact' | 'structured';
/** `channel`: a connection is an (output, input channel) pair, a whole kernel; `element`: one weight. */
export type Granularity = 'channel' | 'element';

/**
 * A structured layer's input permutation folded into the dense layer that computes its input
 * (fold.ts): `tensors` were permuted along `axis` by the layer's `order`.
 */
export interface FoldedPermutation {
  readonly node: string;
  readonly tensors: readonly { readonly name: string; readonly axis: number }[];
}

/** What a sparse model records about one of its sparse layers. */
export interface SparseLayerRecord {
  /** the layer's node name (kept from the dense model) */
  readonly node: string;
  readonly op: SparseOp;
  readonly form: SparseForm;
  readonly granularity: Granularity;
  /** junction inputs (p): input channels, or channels x kernel positions at element granularity */
  readonly inputs: number;
  /** junction outputs (n) */
  readonly outputs: number;
  readonly fo: number;
  readonly fi: number;
  readonly density: number;
  readonly seed: number;
  /** the dense weight's name and shape (compact: the computed tensor the layer reads) */
  readonly weight: string;
  readonly weightDims: readonly number[];
  /** compact: initializer of the kept weights [kept connections, weights per connection] */
  readonly values?: string;
  /** compact: initializer of the mask, one bit per connection in the weight's order (uint8, LSB first) */
  readonly mask?: string;
  /** structured: number of groups (n / fo) */
  readonly groups?: number;
  /** structured: int64 initializer, the input channel read at each grouped position (a Gather runs it) */
  readonly permutation?: string;
  /** structured, permutation folded: the input channel at each grouped position */
  readonly order?: readonly number[];
  /** structured, permutation folded: where to (the layer then reads its input as computed) */
  readonly folded?: FoldedPermutation;
  /** structured: names of the nodes that realise the layer (the layer's own node among them) */
  readonly nodes?: readonly string[];
  /** structured: the data tensor the layer reads and the tensor it writes */
  readonly input?: string;
  readonly output?: string;
  /** structured Gemm: the bias tensor added after the product (beta folded in) */
  readonly bias?: string;
  /** structured Gemm/MatMul: the dense weight was stored [inputs, outputs] (MatMul, Gemm with transB=0) */
  readonly transposed?: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STRINGS = ['node', 'op', 'form', 'granularity', 'weight'] as const;
const NUMBERS = ['inputs', 'outputs', 'fo', 'fi', 'density', 'seed'] as const;
const OPTIONAL_STRINGS = ['values', 'mask', 'permutation', 'input', 'output', 'bias'] as const;

/** A folded permutation: `order` a permutation of 0..inputs-1, `folded` naming a node and axes of tensors. */
function checkFolded(v: Record<string, unknown>, where: string): void {
  const order = v.order;
  const n = v.inputs as number;
  const seen = new Set(Array.isArray(order) ? order : []);
  if (!Array.isArray(order) || order.length !== n || seen.size !== n || !order.every((k) => Number.isInteger(k) && k >= 0 && k < n)) {
    throw new BadModelError(`${where}: "order" must list each of the layer's ${n} inputs once`);
  }
  const f = v.folded;
  if (!isObject(f) || typeof f.node !== 'string' || !Array.isArray(f.tensors)
    || !f.tensors.every((t) => isObject(t) && typeof t.name === 'string' && Number.isInteger(t.axis) && (t.axis as number) >= 0)) {
    throw new BadModelError(`${where}: "folded" must name a node and its tensors with their axes`);
  }
}

/** Checks one record from a file: types, enumerations and the degree identity p·fo = n·fi. */
function checkRecord(v: unknown, k: number): SparseLayerRecord {
  const where = `${SPARSITY_KEY} record ${k}`;
  if (!isObject(v)) throw new BadModelError(`${where} is not an object`);
  for (const f of STRINGS) if (typeof v[f] !== 'string') throw new BadModelError(`${where}: "${f}" must be a string`);
  for (const f of NUMBERS) if (typeof v[f] !== 'number' || !Number.isFinite(v[f])) throw new BadModelError(`${where}: "${f}" must be a number`);
  for (const f of OPTIONAL_STRINGS) if (v[f] !== undefined && typeof v[f] !== 'string') throw new BadModelError(`${where}: "${f}" must be a string`);
  if (!['Conv', 'Gemm', 'MatMul'].includes(v.op as string)) throw new BadModelError(`${where}: op "${String(v.op)}" is not Conv, Gemm or MatMul`);
  if (!['compact', 'structured'].includes(v.form as string)) throw new BadModelError(`${where}: form "${String(v.form)}" is not compact or structured`);
  if (!['channel', 'element'].includes(v.granularity as string)) throw new BadModelError(`${where}: granularity "${String(v.granularity)}" is not channel or element`);
  const dims = v.weightDims;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d > 0)) throw new BadModelError(`${where}: "weightDims" must be a list of positive integers`);
  const [p, n, fo, fi] = [v.inputs, v.outputs, v.fo, v.fi] as [number, number, number, number]; // among NUMBERS, checked above
  if (p * fo !== n * fi) throw new BadModelError(`${where} (layer "${String(v.node)}"): inputs·fo must equal outputs·fi`);
  if (v.transposed !== undefined && typeof v.transposed !== 'boolean') throw new BadModelError(`${where}: "transposed" must be true or false`);
  if (v.form === 'compact' && (typeof v.values !== 'string' || typeof v.mask !== 'string')) throw new BadModelError(`${where}: a compact layer names its "values" and "mask"`);
  if (v.form === 'structured') {
    if (!Number.isInteger(v.groups) || typeof v.input !== 'string' || typeof v.output !== 'string'
      || !Array.isArray(v.nodes) || !v.nodes.every((x) => typeof x === 'string')) {
      throw new BadModelError(`${where}: a structured layer names its "groups", "nodes", "input" and "output"`);
    }
    if ((typeof v.permutation === 'string') === (v.folded !== undefined)) {
      throw new BadModelError(`${where}: a structured layer has a "permutation" tensor or a "folded" permutation, one of them`);
    }
    if (v.folded !== undefined) checkFolded(v, where);
  }
  return v as unknown as SparseLayerRecord;
}

/** The sparse-layer records of a model ([] for a dense one). Malformed metadata is a BadModelError. */
export function sparseRecords(model: ModelProto): SparseLayerRecord[] {
  const entry = model.metadataProps?.find((e) => e.key === SPARSITY_KEY);
  if (!entry) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch (e) {
    throw new BadModelError(`metadata "${SPARSITY_KEY}" is not JSON (${(e as Error).message})`);
  }
  if (!isObject(parsed) || parsed.format !== FORMAT || !Array.isArray(parsed.layers)) {
    throw new BadModelError(`metadata "${SPARSITY_KEY}" is not a cleave sparsity record of format ${FORMAT}`);
  }
  return parsed.layers.map(checkRecord);
}

/**
 * The records of the layers a model still has: a head cut from a sparse model copies the
 * whole model's metadata, tail layers included.
 */
export function presentRecords(model: ModelProto): SparseLayerRecord[] {
  const names = new Set(model.graph.node.map((n) => n.name));
  return sparseRecords(model).filter((r) => names.has(r.node));
}

/** The model with its sparsity metadata set to `records` (the entry removed when empty). */
export function withRecords(model: ModelProto, records: readonly SparseLayerRecord[]): ModelProto {
  const others = (model.metadataProps ?? []).filter((e) => e.key !== SPARSITY_KEY);
  const metadataProps = records.length ? [...others, { key: SPARSITY_KEY, value: JSON.stringify({ format: FORMAT, layers: records }) }] : others;
  return { ...model, metadataProps };
}
