import { type AttrValue, nodeAttribute } from '../graph/builder.js';
import type { DType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';

type Attributes = Readonly<Record<string, AttrValue>>;

/**
 * Adds nodes and constants to an existing model with names unique in the whole model: what
 * autodiff emits gradient nodes through, and what training heads, optimisers, Grad-CAM and the
 * ORT passes add their nodes with. Made by `nodeEmitter`; nothing is added to the model until
 * `appendTo` or `replaceIn` builds the new one.
 */
export interface NodeEmitter {
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  /** static shapes of tensors it made: its constants, and what `record` was told */
  readonly shapes: ReadonlyMap<string, TensorInfo>;
  /** the ai.onnx opset of the model (emitted nodes follow it) */
  readonly opset: number;
  /** marks a name as taken (a tensor the caller adds) */
  reserve(name: string): void;
  /** `base`, or `base_1`, `base_2`... whichever is free (and takes it) */
  finalName(base: string): string;
  /** adds a node made by the caller (attributes as they are), its name uniqued */
  add(node: NodeProto): void;
  /** adds a node with the given output names; `name` is uniqued */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs?: Attributes, domain?: string): void;
  /** adds a node whose outputs are named `<purpose>`, `<purpose>_out1`... and returns them */
  emit(opType: string, inputs: readonly string[], outputs: number, purpose: string, attrs?: Attributes): string[];
  /** adds a node with one output named after `purpose` and returns it */
  emitOne(opType: string, inputs: readonly string[], purpose: string, attrs?: Attributes): string;
  /** a constant initializer */
  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string;
  /** a tensor of `info`'s shape filled with `value` (a broadcast scalar: no big constant) */
  fill(purpose: string, info: TensorInfo, value: number): string;
  /** the sum of a tensor's contributions (one Sum node, none for a single one) */
  sum(list: readonly string[], purpose: string): string;
  /** notes the static shape of a tensor it emitted */
  record(tensor: string, info: TensorInfo): void;
  /** the nodes `emit` adds while it runs (the replacement of one node) */
  capture(emit: () => void): NodeProto[];
  /** `model` with the emitted nodes after its own, the emitted initializers, and graph inputs / outputs changed as given */
  appendTo(model: ModelProto, io?: GraphIo): ModelProto;
  /** `model` with each node in `replaced` swapped for its list (in place), the emitted initializers added */
  replaceIn(model: ModelProto, replaced: ReadonlyMap<NodeProto, readonly NodeProto[]>): ModelProto;
}

/** Graph inputs and outputs of an extended model: the new lists, or extra inputs after the old ones. */
export interface GraphIo {
  readonly inputs?: readonly ValueInfoProto[];
  readonly extraInputs?: readonly ValueInfoProto[];
  readonly outputs?: readonly ValueInfoProto[];
}

/** The one way to add nodes to a model: an emitter whose names avoid every name `model` uses. */
export function nodeEmitter(model: ModelProto): NodeEmitter {
  return new Emitter(model);
}

class Emitter implements NodeEmitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly shapes = new Map<string, TensorInfo>();
  readonly opset: number;
  private readonly used = new Set<string>();

  constructor(model: ModelProto) {
    for (const n of model.graph.node) {
      this.used.add(n.name);
      for (const t of [...n.input, ...n.output]) if (t) this.used.add(t);
    }
    for (const t of model.graph.initializer) this.used.add(t.name);
    for (const v of model.graph.input) this.used.add(v.name);
    const own = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
    this.opset = own ? Number(own.version) : 1;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  finalName(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  add(node: NodeProto): void {
    this.nodes.push({ ...node, name: this.finalName(node.name) });
  }

  node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs: Attributes = {}, domain = ''): void {
    this.add({ name, opType, domain, input: [...inputs], output: [...outputs], attribute: Object.entries(attrs).map(([k, v]) => nodeAttribute(k, v)) });
  }

  emit(opType: string, inputs: readonly string[], outputs: number, purpose: string, attrs: Attributes = {}): string[] {
    const outs = Array.from({ length: outputs }, (_, k) => this.finalName(outputs === 1 ? purpose : `${purpose}_out${k}`));
    this.node(opType, inputs, outs, purpose, attrs);
    return outs;
  }

  emitOne(opType: string, inputs: readonly string[], purpose: string, attrs: Attributes = {}): string {
    const out = this.finalName(purpose);
    this.node(opType, inputs, [out], purpose, attrs);
    return out;
  }

  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string {
    const name = this.finalName(purpose);
    this.initializers.push(makeTensor(name, dtype, dims, data));
    this.shapes.set(name, { dtype, shape: [...dims] });
    return name;
  }

  fill(purpose: string, info: TensorInfo, value: number): string {
    const s = this.constant(`${purpose}_value`, info.dtype, [], [value]);
    const shape = this.constant(`${purpose}_shape`, 'int64', [info.shape.length], info.shape);
    const out = this.emitOne('Expand', [s, shape], purpose);
    this.record(out, info);
    return out;
  }

  sum(list: readonly string[], purpose: string): string {
    const [first] = list;
    if (list.length === 1 && first !== undefined) return first;
    return this.emitOne('Sum', list, purpose);
  }

  record(tensor: string, info: TensorInfo): void {
    this.shapes.set(tensor, { dtype: info.dtype, shape: info.shape });
  }

  capture(emit: () => void): NodeProto[] {
    const start = this.nodes.length;
    emit();
    return this.nodes.slice(start);
  }

  appendTo(model: ModelProto, io: GraphIo = {}): ModelProto {
    const g = model.graph;
    return {
      ...model,
      graph: {
        ...g,
        node: [...g.node, ...this.nodes],
        initializer: [...g.initializer, ...this.initializers],
        input: [...(io.inputs ?? g.input), ...(io.extraInputs ?? [])],
        output: io.outputs ? [...io.outputs] : g.output,
      },
    };
  }

  replaceIn(model: ModelProto, replaced: ReadonlyMap<NodeProto, readonly NodeProto[]>): ModelProto {
    const g = model.graph;
    return { ...model, graph: { ...g, node: g.node.flatMap((n) => replaced.get(n) ?? [n]), initializer: [...g.initializer, ...this.initializers] } };
  }
}
