import type { Attrs } from '../graph/attributes.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { TensorValue } from '../onnx/tensor.js';
import type { NodeProto } from '../onnx/types.js';
import type { GradContext } from './grad-context.js';

/** Inputs of a node; `undefined` where an optional input is omitted (empty name). */
export type Inputs = readonly (TensorInfo | undefined)[];

/** The node being looked at, with its attributes and the opset it binds to. */
export interface OpContext {
  readonly node: NodeProto;
  /** display name: the node's name, or `<OpType>_<index>` */
  readonly name: string;
  readonly opset: number;
  readonly attrs: Attrs;
}

/** Cost of one run of a node. FLOPs count a multiply-accumulate as 2 (FLOPS_PER_MAC, graph/tensor-meta.ts). */
export interface Cost {
  readonly flops: number;
  /**
   * Multiply-accumulates of the op's main product (Conv, ConvTranspose, Gemm, MatMul), the
   * figure papers quote as a model's complexity ("4.1 GMACs"); absent for other ops.
   */
  readonly macs?: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/**
 * Everything cleave knows about one ONNX operator: one object per op (and per opset range
 * where the signature changed), in one file under src/ops/.
 */
export interface OpDef {
  readonly opType: string;
  /** '' for the default ai.onnx domain */
  readonly domain?: string;
  /** first opset this definition applies to */
  readonly sinceVersion: number;
  /**
   * Per input: may a gradient flow through it (absent or empty: through none). For variadic
   * ops the last entry covers every further input, as ONNX schemas treat a variadic last
   * input: read it with `differentiableAt`.
   */
  readonly differentiable?: readonly boolean[];

  /** Output types and static shapes from the inputs' (and attributes'). Throws BadModelError on inconsistent inputs. */
  inferShape(ctx: OpContext, inputs: Inputs): TensorInfo[];

  /** FLOPs and bytes of one run, given inferred input and output infos. */
  cost(ctx: OpContext, inputs: Inputs, outputs: readonly TensorInfo[]): Cost;

  /**
   * Constant folding: output values when they follow from the inputs' values (or, for Shape
   * and Size, from their static shapes). Returns undefined when it cannot fold.
   */
  evaluate?(ctx: OpContext, inputs: Inputs): TensorValue[] | undefined;

  /**
   * Reverse-mode rule: emits the ONNX nodes that compute the gradients of the inputs that
   * `g.needs` from the outputs' gradients (see grad-context.ts). Absent: no gradient flows.
   */
  gradient?(g: GradContext): void;
}

/** Whether input `i` of an op is differentiable, the last entry covering variadic inputs. */
export function differentiableAt(def: OpDef, i: number): boolean {
  const d = def.differentiable;
  return !!d && d.length > 0 && d[Math.min(i, d.length - 1)]!; // d is not empty and the index is clamped to its last entry
}
