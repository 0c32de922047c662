import type { DType } from '../onnx/dtype.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { firstSchemaOpset, type OpSchema, schemaAt, TABLE_OPSET } from './opset-schema.js';

/** A node that is not valid ONNX at its model's opset. */
export interface OpsetProblem {
  readonly node: string;
  readonly opType: string;
  readonly opset: number;
  readonly message: string;
}

export interface OpsetCheckOptions {
  /** a tensor's dtype where known: the type constraints are checked for those */
  readonly dtypeOf?: (tensor: string) => DType | undefined;
  /** which nodes to check (default: every ai.onnx node) */
  readonly only?: (node: NodeProto) => boolean;
}

/** The model's ai.onnx opset (1 when it imports none, as ONNX defines). */
export function onnxOpset(model: ModelProto): number {
  const own = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return own ? Number(own.version) : 1;
}

/** Names up to the last non-empty one: trailing '' are omitted optional slots. */
function present(names: readonly string[]): number {
  let n = names.length;
  while (n > 0 && !names[n - 1]) n--;
  return n;
}

/** The formal parameter (`<option>:<type>`) an input or output position binds to. */
function formalAt(formals: readonly string[], i: number): string | undefined {
  if (i < formals.length) return formals[i];
  const last = formals[formals.length - 1];
  return last?.startsWith('v:') ? last : undefined;
}

function problemsOf(node: NodeProto, s: OpSchema, opset: number, options: OpsetCheckOptions): string[] {
  const out: string[] = [];
  const nIn = present(node.input);
  const [minIn, maxIn] = s.nIn as [number, number];
  if (nIn < minIn || nIn > maxIn) out.push(`takes ${minIn === maxIn ? minIn : `${minIn} to ${maxIn}`} inputs at opset ${opset}, has ${nIn}`);
  const nOut = present(node.output);
  const [minOut, maxOut] = s.nOut as [number, number];
  if (nOut < minOut || nOut > maxOut) out.push(`gives ${minOut === maxOut ? minOut : `${minOut} to ${maxOut}`} outputs at opset ${opset}, has ${nOut}`);
  node.input.slice(0, nIn).forEach((t, i) => {
    if (!t && formalAt(s.in, i)?.startsWith('s:')) out.push(`input ${i} is required at opset ${opset} but omitted`);
  });
  for (const a of node.attribute) if (!(a.name in s.attrs)) out.push(`has no attribute "${a.name}" at opset ${opset}`);
  for (const [name, required] of Object.entries(s.attrs)) {
    if (required && !node.attribute.some((a) => a.name === name)) out.push(`needs attribute "${name}" at opset ${opset}`);
  }
  // Type constraints: each input's dtype is one its parameter allows, the same for one parameter.
  // Past the table's opset the lists only grew; they are not checked there.
  const dtypeOf = options.dtypeOf;
  if (dtypeOf && opset <= TABLE_OPSET) {
    const bound = new Map<string, DType>();
    node.input.slice(0, nIn).forEach((t, i) => {
      const formal = formalAt(s.in, i);
      const dtype = t ? dtypeOf(t) : undefined;
      if (!formal || !dtype) return;
      const param = formal.slice(2);
      const allowed = s.types[param] ?? [param];
      if (!allowed.includes(dtype)) {
        out.push(`input ${i} ("${t}") is ${dtype}; at opset ${opset} it takes ${allowed.join(', ')}`);
        return;
      }
      if (!s.types[param] || formal.startsWith('v:')) return;
      const before = bound.get(param);
      if (before && before !== dtype) out.push(`inputs of type ${param} mix ${before} and ${dtype}`);
      bound.set(param, dtype);
    });
  }
  return out;
}

/**
 * Every ai.onnx node checked against the ONNX schema of the model's opset (onnx-schemas.ts):
 * the op exists there and is not deprecated, its input and output counts, its attributes
 * (none unknown, none required missing) and, where dtypes are known, its type constraints.
 * So a node in an attribute form of another opset (ReduceSum's axes as an attribute from 13,
 * Unsqueeze's from 13, Slice's before 10, Clip's min and max before 11, Pad's pads before 11)
 * or an op absent at that opset (Expand before 8, Where before 9, Range before 11) is named.
 * Ops the table does not know are reported at opsets it covers, skipped above them.
 */
export function opsetProblems(model: ModelProto, options: OpsetCheckOptions = {}): OpsetProblem[] {
  const opset = onnxOpset(model);
  const problems: OpsetProblem[] = [];
  model.graph.node.forEach((node, index) => {
    if (node.domain && node.domain !== 'ai.onnx') return;
    if (options.only && !options.only(node)) return;
    const name = node.name || `${node.opType}_${index}`;
    const add = (message: string) => problems.push({ node: name, opType: node.opType, opset, message: `${node.opType} (node "${name}") ${message}` });
    const s = schemaAt(node.opType, opset);
    if (!s) {
      const first = firstSchemaOpset(node.opType);
      if (first !== undefined) add(`does not exist at opset ${opset}; ONNX defines it from opset ${first}`);
      else if (opset <= TABLE_OPSET) add(`is no ai.onnx operator (at opset ${opset})`);
      return;
    }
    if (s.deprecated) add(`is deprecated at opset ${opset} (since opset ${s.since})`);
    for (const p of problemsOf(node, s, opset, options)) add(p);
  });
  return problems;
}
