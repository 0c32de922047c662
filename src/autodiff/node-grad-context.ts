import { BadModelError } from '../errors.js';
import type { Attrs } from '../graph/attributes.js';
import type { AttrValue } from '../graph/builder.js';
import type { DType } from '../onnx/dtype.js';
import type { GradContext } from '../ops/grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { OpContext } from '../ops/op.js';
import type { NodeEmitter } from './emitter.js';

/** The GradContext of one forward node, backed by the backward graph's NodeEmitter. */
export class NodeGradContext implements GradContext {
  readonly inputGrads: (string | undefined)[];
  readonly attrs: Attrs;
  readonly opset: number;

  constructor(
    private readonly emitter: NodeEmitter,
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
    if (!t) throw new BadModelError(`${this.ctx.node.opType} "${this.ctx.name}": gradient rule read input ${i}, whose shape is unknown`);
    return t;
  }

  inputInfos(): readonly (TensorInfo | undefined)[] {
    return this.inInfos;
  }

  outputInfo(i: number): TensorInfo {
    const t = this.outInfos[i];
    if (!t) throw new BadModelError(`${this.ctx.node.opType} "${this.ctx.name}": gradient rule read output ${i}, whose shape is unknown`);
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
    return this.emitter.emitOne(opType, inputs, this.prefix(purpose), attrs);
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
