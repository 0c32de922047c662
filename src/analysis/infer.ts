import { BadModelError, BadRequestError, CleaveError } from '../errors.js';
import { Attrs } from '../graph/attributes.js';
import { type Graph, opsetOf } from '../graph/graph.js';
import { dtypeFromCode, isFloat } from '../onnx/dtype.js';
import { declaredDim } from '../onnx/model-check.js';
import { isExternal, numelOf, tensorValue } from '../onnx/tensor.js';
import type { NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../ops/op.js';
import { findOp } from '../ops/registry.js';
import { MAX_FOLD_ELEMENTS } from '../ops/shared/elementwise.js';

/** How symbolic input dims are bound to sizes. */
export interface ShapeBinding {
  /** size of the batch dimension (a symbolic first dim); default 1 */
  readonly batch?: number;
  /** explicit shapes for graph inputs, overriding what the model declares */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
}

/** A problem with one node that did not stop the analysis. */
export interface NodeIssue {
  readonly node: string;
  /** op type, prefixed with its domain outside ai.onnx */
  readonly opType: string;
  /** the opset the node binds to (of its own domain) */
  readonly opset?: number;
  readonly code: string;
  readonly message: string;
}

export interface Inference {
  /** every tensor whose type and static shape are known */
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  /** tensors whose values do not depend on the graph inputs (initializers, folded constants) */
  readonly constant: ReadonlySet<string>;
  /** per node (topological index): is it folded, i.e. computes constants only */
  readonly folded: readonly boolean[];
  /** per node: its rule, when cleave has one */
  readonly rules: readonly (OpDef | undefined)[];
  readonly issues: readonly NodeIssue[];
}

/** Float initializers up to this many elements have their values read (for folding). */
const MAX_FLOAT_VALUES = 64;

/** Ops whose output depends only on the static shape of their input, never on its values. */
const SHAPE_ONLY = new Set(['Shape', 'Size']);

/** A weight's values, or undefined when it holds none (a stripped or malformed file): only shape arithmetic needs them. */
function valueOrUndefined(t: TensorProto) {
  try {
    return tensorValue(t);
  } catch {
    return undefined;
  }
}

/** The static shape of a graph input, binding a symbolic batch dim and checking the rest. */
function bindInput(v: ValueInfoProto, binding: ShapeBinding): TensorInfo {
  const tt = v.type?.tensorType;
  if (!tt) throw new BadModelError(`graph input "${v.name}" is not a tensor (sequences and maps are not supported)`);
  const dtype = dtypeFromCode(tt.elemType, `graph input "${v.name}"`);
  const given = binding.inputShapes?.[v.name];
  if (given) return { dtype, shape: [...given] };
  const dims = tt.shape?.dim ?? [];
  if (!tt.shape) throw new BadRequestError(`graph input "${v.name}" declares no shape; give one with --input-shape ${v.name}=1x3x224x224`);
  const batch = binding.batch ?? 1;
  const hint = () => `--input-shape ${v.name}=${dims.map((x, k) => { const s = declaredDim(x); return k === 0 ? batch : typeof s === 'number' && s > 0 ? s : 'S'; }).join('x')}`;
  const shape = dims.map((d, i) => {
    const size = declaredDim(d);
    if (typeof size === 'number') {
      if (size > 0) return size;
      // 0 is a real size (an empty tensor) and a negative one is no size: neither is symbolic.
      throw new BadRequestError(
        size === 0
          ? `graph input "${v.name}" declares dimension 0 at position ${i}: an empty input has nothing to analyse or run; give a real size with ${hint()}`
          : `graph input "${v.name}" declares dimension ${size} at position ${i}, which is not a size; give its shape with ${hint()}`,
      );
    }
    if (i === 0) return batch;
    throw new BadRequestError(`graph input "${v.name}" has a symbolic dimension "${size ?? '?'}" at position ${i}; give its shape with ${hint()}`);
  });
  return { dtype, shape };
}

/** A declared (value_info) shape, if fully static once the batch is bound. */
function declaredInfo(v: ValueInfoProto | undefined, batch: number): TensorInfo | undefined {
  const tt = v?.type?.tensorType;
  if (!tt?.shape) return undefined;
  const shape: number[] = [];
  for (const [i, d] of tt.shape.dim.entries()) {
    const value = declaredDim(d);
    if (typeof value === 'number' && value > 0) shape.push(value);
    else if (i === 0) shape.push(batch);
    else return undefined;
  }
  try {
    return { dtype: dtypeFromCode(tt.elemType, v?.name ?? ''), shape };
  } catch {
    return undefined;
  }
}

export function nodeContext(graph: Graph, node: NodeProto, index: number): OpContext {
  return { node, name: graph.nodeNames[index]!, opset: opsetOf(graph, node.domain) ?? 1, attrs: new Attrs(node) }; // index is a node of the graph
}

/**
 * Static shapes, dtypes and constant values of every tensor, in one topological pass. Nodes
 * that compute constants only (shape arithmetic, Constant, Identity of a weight) are folded.
 * An op without a rule, or a rule that rejects its inputs, is reported and the pass goes on
 * (using shapes the model itself declares, where it declares them).
 */
export function inferShapes(graph: Graph, binding: ShapeBinding = {}): Inference {
  const tensors = new Map<string, TensorInfo>();
  const constant = new Set<string>();
  const issues: NodeIssue[] = [];
  for (const v of graph.inputs) tensors.set(v.name, bindInput(v, binding));
  for (const [name, t] of graph.initializers) {
    const dtype = dtypeFromCode(t.dataType, `initializer "${name}"`);
    const shape = t.dims.map(Number);
    // Values are read for what shape arithmetic needs: integer tensors and tiny floats (Resize
    // scales, Clip bounds). Weights stay views into the file.
    const n = numelOf(shape);
    const small = !isExternal(t) && (isFloat(dtype) ? n <= MAX_FLOAT_VALUES : n <= MAX_FOLD_ELEMENTS);
    tensors.set(name, small ? { dtype, shape, value: valueOrUndefined(t) } : { dtype, shape });
    constant.add(name);
  }
  const batch = binding.batch ?? 1;
  const folded: boolean[] = [];
  const rules: (OpDef | undefined)[] = [];
  graph.nodes.forEach((node, index) => {
    const ctx = nodeContext(graph, node, index);
    const rule = findOp(node.domain, node.opType, ctx.opset);
    rules.push(rule);
    const inputs: Inputs = node.input.map((n) => (n ? tensors.get(n) : undefined));
    const isFolded =
      node.input.every((n) => !n || constant.has(n)) ||
      (SHAPE_ONLY.has(node.opType) && inputs[0] !== undefined);
    folded.push(isFolded);
    if (isFolded) for (const o of node.output) if (o) constant.add(o);

    let outs: TensorInfo[] | undefined;
    if (!rule) {
      const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      issues.push({ node: ctx.name, opType: op, opset: ctx.opset, code: 'UNSUPPORTED_OP', message: `operator ${op} (node "${ctx.name}", opset ${ctx.opset}) has no rule in cleave` });
    } else if (node.input.some((n, i) => n && !inputs[i])) {
      // An input's shape is unknown (an earlier node failed): nothing to infer here.
    } else {
      try {
        outs = rule.inferShape(ctx, inputs);
        if (isFolded && rule.evaluate) {
          const values = rule.evaluate(ctx, inputs);
          if (values) outs = outs.map((o, i) => (values[i] ? { ...o, value: values[i] } : o));
        }
      } catch (e) {
        if (!(e instanceof CleaveError)) throw e;
        issues.push({ node: ctx.name, opType: node.opType, code: e.code, message: e.message });
        outs = undefined;
      }
    }
    node.output.forEach((o, i) => {
      if (!o) return;
      const info = outs?.[i] ?? declaredInfo(graph.declared.get(o), batch);
      if (info) tensors.set(o, info);
    });
  });
  return { tensors, constant, folded, rules, issues };
}
