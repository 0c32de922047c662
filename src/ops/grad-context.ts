import { UnsupportedOpError } from '../errors.js';
import type { Attrs } from '../graph/attributes.js';
import type { AttrValue } from '../graph/builder.js';
import type { DType } from '../onnx/dtype.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext } from './op.js';

/**
 * What a gradient rule sees of its node and how it adds nodes to the backward graph. Rules
 * (the optional `gradient` of an OpDef) emit ONNX nodes through this interface and never
 * compute numbers: autodiff/ implements it, ONNX Runtime runs what they emit.
 *
 * Tensors are named by strings, as in ONNX. Forward tensors are available as they are; the
 * gradient of an output that receives no contribution is an implicit zero (see `hasOutGrad`).
 */
export interface GradContext {
  /** the forward node, its display name, opset and attributes */
  readonly ctx: OpContext;
  readonly attrs: Attrs;
  readonly opset: number;
  /** name of forward input `i` ('' when an optional input is omitted) */
  input(i: number): string;
  /** name of forward output `i` */
  output(i: number): string;
  /** static type and shape of forward input `i` */
  inputInfo(i: number): TensorInfo;
  /** all inputs' infos (undefined where omitted), to reuse an op's own attribute/plan readers */
  inputInfos(): Inputs;
  /** static type and shape of forward output `i` */
  outputInfo(i: number): TensorInfo;
  /** does output `i` receive a gradient (otherwise its gradient is zero) */
  hasOutGrad(i: number): boolean;
  /** the gradient of output `i` (a zero tensor of its shape when nothing flows into it) */
  outGrad(i: number): string;
  /** is the gradient of input `i` wanted (it lies on a path from a requested tensor) */
  needs(i: number): boolean;
  /** adds a node with one output, named `<node>/grad/<purpose>`, and returns that output */
  emit(opType: string, inputs: readonly string[], purpose: string, attrs?: Readonly<Record<string, AttrValue>>): string;
  /** adds a node with `outputs` outputs and returns them */
  emitN(opType: string, inputs: readonly string[], outputs: number, purpose: string, attrs?: Readonly<Record<string, AttrValue>>): string[];
  /** a constant initializer of the backward graph */
  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string;
  /** gives input `i` its gradient contribution (summed with others at fan-out by the engine) */
  setInputGrad(i: number, tensor: string): void;
}

/** Emits an int64 constant (axes, shapes, starts). */
export function ints(g: GradContext, purpose: string, values: readonly number[]): string {
  return g.constant(purpose, 'int64', [values.length], values);
}

/** Emits a float scalar constant of the dtype of input `like`. */
export function scalar(g: GradContext, purpose: string, value: number, dtype: DType = 'float32'): string {
  return g.constant(purpose, dtype, [], [value]);
}

/** ReduceSum over `axes`; axes moved from attribute to input in opset 13. */
export function reduceSum(g: GradContext, x: string, axes: readonly number[], keepdims: boolean, purpose: string): string {
  if (axes.length === 0) return x;
  if (g.opset >= 13) return g.emit('ReduceSum', [x, ints(g, `${purpose}_axes`, axes)], purpose, { keepdims: keepdims ? 1 : 0 });
  return g.emit('ReduceSum', [x], purpose, { axes: [...axes], keepdims: keepdims ? 1 : 0 });
}

/** Reshape to a static shape. */
export function reshape(g: GradContext, x: string, shape: readonly number[], purpose: string): string {
  return g.emit('Reshape', [x, ints(g, `${purpose}_shape`, shape)], purpose);
}

/** Unsqueeze; axes moved from attribute to input in opset 13. */
export function unsqueeze(g: GradContext, x: string, axes: readonly number[], purpose: string): string {
  if (g.opset >= 13) return g.emit('Unsqueeze', [x, ints(g, `${purpose}_axes`, axes)], purpose);
  return g.emit('Unsqueeze', [x], purpose, { axes: [...axes] });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Reduces a gradient of a broadcast result to the shape of an operand: sums over the leading
 * axes the operand lacks and over the axes where it has size 1, then reshapes. This is what
 * every broadcasting op's rule needs (d/dA of f(A, B) with A broadcast). `finalShape`
 * reshapes the result once more (MatMul's 1-D operands).
 */
export function sumToShape(g: GradContext, grad: string, gradShape: readonly number[], target: readonly number[], purpose: string, finalShape?: readonly number[]): string {
  const summed = sumToShapeOnly(g, grad, gradShape, target, purpose);
  return finalShape && !sameShape(finalShape, target) ? reshape(g, summed, finalShape, `${purpose}_final`) : summed;
}

function sumToShapeOnly(g: GradContext, grad: string, gradShape: readonly number[], target: readonly number[], purpose: string): string {
  if (sameShape(gradShape, target)) return grad;
  const off = gradShape.length - target.length;
  const axes: number[] = [];
  for (let i = 0; i < gradShape.length; i++) {
    if (i < off) axes.push(i);
    else if (target[i - off] === 1 && gradShape[i] !== 1) axes.push(i);
  }
  const summed = reduceSum(g, grad, axes, true, `${purpose}_sum`);
  const keptShape = gradShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return sameShape(keptShape, target) ? summed : reshape(g, summed, target, `${purpose}_reshape`);
}

/** `sumToShape` of output 0's gradient (or of `grad`) onto input `i`'s shape. */
export function sumToInputShape(g: GradContext, grad: string, i: number, purpose = `d${i}`): string {
  return sumToShape(g, grad, g.outputInfo(0).shape, g.inputInfo(i).shape, purpose);
}

/** Swaps the last two axes of a tensor of rank >= 2. */
export function transposeLast2(g: GradContext, x: string, rank: number, purpose: string): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return g.emit('Transpose', [x], purpose, { perm });
}

/** Geometry of a windowed op (Conv, pools) with pads resolved. */
export interface WindowGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** begin pads then end pads */
  readonly pads: readonly number[];
  readonly group: number;
}

/**
 * The adjoint of a strided window op: ConvTranspose(dY, W) with the forward geometry, sized to
 * the forward input. Rows the forward windows never reached (a stride that does not divide)
 * come back via output_padding when few, and a window past the end (ceil_mode) is cut by Slice.
 */
export function windowAdjoint(g: GradContext, dy: string, weight: string, geo: WindowGeometry, spatialIn: readonly number[], spatialOut: readonly number[], purpose: string): string {
  // Bounds: i < rank = spatialIn.length, and the geometry's kernel, strides, dilations (rank entries) and pads (2 rank), spatialOut and size all have one entry per spatial axis.
  const rank = spatialIn.length;
  const natural = spatialIn.map((_, i) => {
    const keff = geo.dilations[i]! * (geo.kernel[i]! - 1) + 1;
    return (spatialOut[i]! - 1) * geo.strides[i]! + keff - geo.pads[i]! - geo.pads[i + rank]!;
  });
  const outputPadding = natural.map((n, i) => Math.max(0, spatialIn[i]! - n));
  const usable = outputPadding.every((p, i) => p < Math.max(geo.strides[i]!, geo.dilations[i]!));
  // Too much missing to pad in ConvTranspose (or an end pad larger than the input): pad dY's
  // end instead is equivalent only for stride 1, so fall back to output_padding = 0 and Pad.
  const attrs = {
    strides: geo.strides, pads: geo.pads, dilations: geo.dilations, group: geo.group, kernel_shape: geo.kernel,
    ...(usable && outputPadding.some((v) => v !== 0) ? { output_padding: outputPadding } : {}),
  };
  let dx = g.emit('ConvTranspose', [dy, weight], purpose, attrs);
  const size = natural.map((n, i) => n + (usable ? outputPadding[i]! : 0));
  if (size.some((s, i) => s > spatialIn[i]!)) {
    const axes = spatialIn.map((_, i) => i + 2);
    dx = g.emit('Slice', [dx, ints(g, `${purpose}_starts`, axes.map(() => 0)), ints(g, `${purpose}_ends`, spatialIn), ints(g, `${purpose}_axes`, axes)], `${purpose}_crop`);
  }
  if (size.some((s, i) => s < spatialIn[i]!)) {
    const pads = [0, 0, ...spatialIn.map(() => 0), 0, 0, ...spatialIn.map((d, i) => Math.max(0, d - size[i]!))];
    dx = g.emit('Pad', [dx, ints(g, `${purpose}_pads`, pads)], `${purpose}_pad`);
  }
  return dx;
}

/** ReduceMean over `axes`; axes moved from attribute to input in opset 18. */
export function reduceMean(g: GradContext, x: string, axes: readonly number[], keepdims: boolean, purpose: string): string {
  if (g.opset >= 18) return g.emit('ReduceMean', [x, ints(g, `${purpose}_axes`, axes)], purpose, { keepdims: keepdims ? 1 : 0 });
  return g.emit('ReduceMean', [x], purpose, { axes: [...axes], keepdims: keepdims ? 1 : 0 });
}

/** dY times a function of the forward tensors: the common shape of elementwise rules. */
export function times(g: GradContext, factor: string, purpose = 'dx'): string {
  return g.emit('Mul', [g.outGrad(0), factor], purpose);
}

/** The axes a Reduce* node reduces (attribute, or input since `axesInputSince`; none given: all). */
export function reducedAxes(g: GradContext, axesInputSince: number): number[] {
  const rank = g.inputInfo(0).shape.length;
  const given = g.opset >= axesInputSince ? (g.input(1) ? Array.from(g.inputInfo(1).value?.data ?? []) : undefined) : g.attrs.ints('axes');
  if (g.opset >= axesInputSince && g.input(1) && !g.inputInfo(1).value) throw new UnsupportedOpError(g.ctx.node.opType, g.ctx.name, g.opset, 'gradient rule for axes that are not constant');
  if (!given || given.length === 0) return g.attrs.int('noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, i) => i);
  return [...new Set(given.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** A reduction's output gradient broadcast back to the input's shape (dY with the reduced axes kept as 1, expanded). */
export function expandReduced(g: GradContext, dy: string, axes: readonly number[], purpose: string): string {
  const x = g.inputInfo(0);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const y = g.outputInfo(0).shape;
  const shaped = y.length === kept.length ? dy : reshape(g, dy, kept, `${purpose}_keep`);
  return g.emit('Expand', [shaped, ints(g, `${purpose}_shape`, x.shape)], purpose);
}

/**
 * dY and Y of a reduction over X broadcast back to X's shape (as they come when no axis is
 * reduced); each is emitted only when asked for.
 */
export function reductionAtInput(g: GradContext, axesInputSince: number): { dy(): string; y(): string } {
  const axes = reducedAxes(g, axesInputSince);
  const back = (t: string, purpose: string) => (axes.length ? expandReduced(g, t, axes, purpose) : t);
  return { dy: () => back(g.outGrad(0), 'dy_full'), y: () => back(g.output(0), 'y_full') };
}

/**
 * The gradient of a nearest-neighbour upsampling by integer factors in which output cell j of
 * an axis reads input cell floor(j / k): each input cell receives the sum of its k-block of
 * dY (a reshape to [.., d, k, ..] and a ReduceSum over the k axes). Undefined when a factor is
 * not an integer.
 */
export function blockSum(g: GradContext, dy: string, inShape: readonly number[], outShape: readonly number[], purpose: string): string | undefined {
  // Bounds: inShape and outShape have one rank (a broadcast or tile of one tensor).
  const factors = outShape.map((d, i) => d / inShape[i]!);
  if (factors.some((f) => !Number.isInteger(f) || f < 1)) return undefined;
  if (factors.every((f) => f === 1)) return g.emit('Identity', [dy], purpose);
  const split = inShape.flatMap((d, i) => [d, factors[i]!]);
  const viewed = reshape(g, dy, split, `${purpose}_blocks`);
  return reduceSum(g, viewed, inShape.map((_, i) => 2 * i + 1), false, purpose);
}
