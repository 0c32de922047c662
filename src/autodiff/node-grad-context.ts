import type { Attrs } from '../graph/attributes.js';
import { type AttrValue, nodeAttribute } from '../graph/builder.js';
import type { Graph } from '../graph/graph.js';
import type { DType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import type { GradContext } from '../ops/grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { OpContext } from '../ops/op.js';

/** Collects the nodes and constants of a backward graph, with names unique in the whole model. */
export class BackwardEmitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();

  constructor(graph: Graph, model: ModelProto) {
    for (const n of graph.nodes) {
      this.used.add(n.name);
      for (const t of [...n.input, ...n.output]) if (t) this.used.add(t);
    }
    for (const t of model.graph.initializer) this.used.add(t.name);
    for (const v of model.graph.input) this.used.add(v.name);
  }

  /** Marks a name as taken (a tensor the caller adds). */
  reserve(name: string): void {
    this.used.add(name);
  }

  /** `base`, or `base_1`, `base_2`... whichever is free. */
  finalName(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs: Readonly<Record<string, AttrValue>> = {}): void {
    this.nodes.push({
      name: this.finalName(name),
      opType,
      domain: '',
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([k, v]) => nodeAttribute(k, v)),
    });
  }

  /** Adds a node whose outputs are named `<purpose>`, `<purpose>_1`... and returns them. */
  emit(opType: string, inputs: readonly string[], outputs: number, purpose: string, attrs: Readonly<Record<string, AttrValue>> = {}): string[] {
    const outs = Array.from({ length: outputs }, (_, k) => this.finalName(outputs === 1 ? purpose : `${purpose}_out${k}`));
    this.node(opType, inputs, outs, purpose, attrs);
    return outs;
  }

  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string {
    const name = this.finalName(purpose);
    this.initializers.push(makeTensor(name, dtype, dims, data));
    return name;
  }

  /** A tensor of `info`'s shape filled with `value` (a broadcast scalar: no big constant). */
  fill(purpose: string, info: TensorInfo, value: number): string {
    const s = this.constant(`${purpose}_value`, info.dtype, [], [value]);
    const shape = this.constant(`${purpose}_shape`, 'int64', [info.shape.length], info.shape);
    return this.emit('Expand', [s, shape], 1, purpose)[0] as string;
  }

  /** The sum of gradient contributions (one Sum node at fan-out, none for a single one). */
  sum(list: readonly string[], purpose: string): string {
    if (list.length === 1) return list[0] as string;
    return this.emit('Sum', list, 1, purpose)[0] as string;
  }
}

/** The GradContext of one forward node, backed by a BackwardEmitter. */
export class NodeGradContext implements GradContext {
  readonly inputGrads: (string | undefined)[];
  readonly attrs: Attrs;
  readonly opset: number;

  constructor(
    private readonly emitter: BackwardEmitter,
    readonly ctx: OpContext,
    private readonly inInfos: readonly (TensorInfo | undefined)[],
    private readonly outInfos: readonly (TensorInfo | undefined)[],
    private readonly outGrads: readonly (string | undefined)[],
    private readonly wanted: readonly boolean[],
  ) {
    this.inputGrads = new Array<string | undefined>(inInfos.length).fill(undefined);
    this.attrs = ctx.attrs;
    this.opset = ctx.opset;
  }

  private prefix(purpose: string): string {
    return `${this.ctx.name}/grad/${purpose}`;
  }

  input(i: number): string {
    return this.ctx.node.input[i] ?? '';
  }

  output(i: number): string {
    return this.ctx.node.output[i] ?? '';
  }

  inputInfo(i: number): TensorInfo {
    const t = this.inInfos[i];
    if (!t) throw new Error(`${this.ctx.node.opType} "${this.ctx.name}": gradient rule read input ${i}, whose shape is unknown`);
    return t;
  }

  inputInfos(): readonly (TensorInfo | undefined)[] {
    return this.inInfos;
  }

  outputInfo(i: number): TensorInfo {
    const t = this.outInfos[i];
    if (!t) throw new Error(`${this.ctx.node.opType} "${this.ctx.name}": gradient rule read output ${i}, whose shape is unknown`);
    return t;
  }

  hasOutGrad(i: number): boolean {
    return this.outGrads[i] !== undefined;
  }

  outGrad(i: number): string {
    const g = this.outGrads[i];
    if (g !== undefined) return g;
    // An output nothing reads on the path to the objective: its gradient is zero.
    return this.emitter.fill(this.prefix(`zero${i}`), this.outputInfo(i), 0);
  }

  needs(i: number): boolean {
    return this.wanted[i] ?? false;
  }

  emit(opType: string, inputs: readonly string[], purpose: string, attrs: Readonly<Record<string, AttrValue>> = {}): string {
    return this.emitter.emit(opType, inputs, 1, this.prefix(purpose), attrs)[0] as string;
  }

  emitN(opType: string, inputs: readonly string[], outputs: number, purpose: string, attrs: Readonly<Record<string, AttrValue>> = {}): string[] {
    return this.emitter.emit(opType, inputs, outputs, this.prefix(purpose), attrs);
  }

  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string {
    return this.emitter.constant(this.prefix(purpose), dtype, dims, data);
  }

  setInputGrad(i: number, tensor: string): void {
    if (!this.wanted[i]) return;
    const prev = this.inputGrads[i];
    // A rule may contribute to one input twice (e.g. Mul(x, x)); both terms count.
    this.inputGrads[i] = prev === undefined ? tensor : this.emit('Add', [prev, tensor], `d${i}_acc`);
  }
}
