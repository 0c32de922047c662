import { dtypeCode } from '../onnx/dtype.js';
import { type DType, dtypeFromCode, isFloat } from '../onnx/dtype.js';
import { floatToHalf, halfToFloat } from '../onnx/tensor.js';
import type { OpContext, OpDef } from './op.js';
import { canFold } from './shared/index-map.js';
import { dataMovementCost, fail, required } from './shared/tensor-info.js';

/** TensorProto.DataType names, as opset 1-5 spelled the `to` attribute (a string then). */
const NAMED_CODES: Readonly<Record<string, number>> = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
};

function target(ctx: OpContext): DType {
  if (ctx.opset < 6) {
    const name = ctx.attrs.string('to') ?? fail(ctx, 'attribute to is required');
    const code = NAMED_CODES[name.toUpperCase()];
    if (code === undefined) fail(ctx, `unknown type name ${name}`);
    return dtypeFromCode(code, `Cast node "${ctx.name}"`);
  }
  return dtypeFromCode(ctx.attrs.int('to') ?? fail(ctx, 'attribute to is required'), `Cast node "${ctx.name}"`);
}

/** Wraps an integer to `bits` bits, as a C cast between integer types does. */
function wrap(v: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  const u = ((v % m) + m) % m;
  return signed && u >= m / 2 ? u - m : u;
}

const WIDTHS: Partial<Record<DType, [number, boolean]>> = {
  int8: [8, true], uint8: [8, false], int16: [16, true], uint16: [16, false], int32: [32, true], uint32: [32, false],
};

/** One value converted to `to`: floats to integers truncate toward zero, anything to bool is x != 0. */
export function castValue(v: number, to: DType): number {
  if (to === 'bool') return v !== 0 ? 1 : 0;
  if (to === 'float32') return Math.fround(v);
  if (to === 'float16') return halfToFloat(floatToHalf(v));
  if (isFloat(to)) return v;
  const t = Number.isFinite(v) ? Math.trunc(v) : 0;
  const w = WIDTHS[to];
  return w ? wrap(t, w[0], w[1]) : t;
}

/**
 * Cast (opset 1+; `to` a type code since 6): converts the element type. Counted as data
 * movement (a conversion, no arithmetic): 0 FLOPs, bytes read and written.
 */
export const cast: OpDef = {
  opType: 'Cast',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    return [{ dtype: target(ctx), shape: [...required(ctx, inputs, 0).shape] }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const to = target(ctx);
    if (!x.value || to === 'string' || x.dtype === 'string' || !canFold(x.shape)) return undefined;
    return [{ dtype: to, dims: [...x.shape], data: Array.from(x.value.data, (v) => castValue(Number(v), to)) }];
  },
  // dX = dY cast back to X's type (float to float; a cast to an integer type passes nothing).
  gradient(g) {
    g.setInputGrad(0, g.emit('Cast', [g.outGrad(0)], 'dx', { to: dtypeCode(g.inputInfo(0).dtype) }));
  },
};
