import { UnsupportedOpError } from '../errors.js';
import { blockSum } from './grad-context.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { constantValues, resizeCost, scaledDim } from './shared/resize-geometry.js';
import { fail, normAxis, numel, required } from './shared/tensor-info.js';

/** The axes scales/sizes refer to: all of them, or (opset 18+) the attribute axes. */
function axesOf(ctx: OpContext, rank: number): number[] {
  const given = ctx.opset >= 18 ? ctx.attrs.ints('axes') : undefined;
  return given ? given.map((a) => normAxis(ctx, a, rank)) : Array.from({ length: rank }, (_, i) => i);
}

/**
 * Output shape from sizes (which win when given and non-empty) or scales. Since opset 18 a
 * keep_aspect_ratio_policy other than "stretch" turns sizes into one common scale,
 * min (not_larger) or max (not_smaller) of sizes / input, and each size = round(scale * input).
 */
function outShape(ctx: OpContext, inputs: Inputs): number[] {
  const x = required(ctx, inputs, 0);
  const axes = axesOf(ctx, x.shape.length);
  const scalesT = inputs[ctx.opset < 11 ? 1 : 2];
  const sizesT = ctx.opset < 11 ? undefined : inputs[3];
  const out = [...x.shape];
  if (sizesT && numel(sizesT) > 0) {
    if (scalesT && numel(scalesT) > 0) fail(ctx, 'only one of scales and sizes may be given');
    const sizes = constantValues(ctx, sizesT, 'sizes');
    if (sizes.length !== axes.length) fail(ctx, `sizes has ${sizes.length} values for ${axes.length} axes`);
    const policy = ctx.attrs.string('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((a, i) => (out[a] = sizes[i] as number));
    } else {
      const ratios = axes.map((a, i) => (sizes[i] as number) / (x.shape[a] as number));
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round(scale * (x.shape[a] as number))));
    }
    return out;
  }
  if (!scalesT || numel(scalesT) === 0) fail(ctx, 'needs scales or sizes');
  const scales = constantValues(ctx, scalesT, 'scales');
  if (scales.length !== axes.length) fail(ctx, `scales has ${scales.length} values for ${axes.length} axes`);
  axes.forEach((a, i) => (out[a] = scaledDim(x.shape[a] as number, scales[i] as number)));
  if (out.some((d) => d < 1)) fail(ctx, `output shape [${out.join(', ')}] has an empty dimension`);
  return out;
}

/**
 * Resize (opset 10: X, scales; 11+: X, roi, scales, sizes; 13 made roi and scales optional;
 * 18 added axes and keep_aspect_ratio_policy). The shape depends on the constant scales or
 * sizes only: mode and coordinate_transformation_mode change values, not shape. FLOPs per
 * output element follow the interpolation mode (see interpolationFlops).
 */
export const resize: OpDef = {
  opType: 'Resize',
  sinceVersion: 10,
  differentiable: [true, false, false, false],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: outShape(ctx, inputs) }];
  },
  cost: (ctx, inputs, [y]) => resizeCost(ctx.attrs.string('mode', 'nearest'), inputs, y as TensorInfo),
  // Nearest-neighbour upsampling by integer factors, where each output cell reads the input cell
  // of its block (asymmetric/floor, half_pixel or pytorch_half_pixel with round_prefer_floor):
  // dX = the block sums of dY. Other modes have no rule yet.
  gradient(g) {
    const mode = g.attrs.string('mode', 'nearest');
    const transform = g.attrs.string('coordinate_transformation_mode', g.opset < 11 ? 'asymmetric' : 'half_pixel');
    const nearest = g.attrs.string('nearest_mode', 'round_prefer_floor');
    const blocky = mode === 'nearest' && ((transform === 'asymmetric' && nearest === 'floor') || ((transform === 'half_pixel' || transform === 'pytorch_half_pixel') && nearest === 'round_prefer_floor'));
    const dx = blocky ? blockSum(g, g.outGrad(0), g.inputInfo(0).shape, g.outputInfo(0).shape, 'dx') : undefined;
    if (!dx) throw new UnsupportedOpError('Resize', g.ctx.name, g.opset, `gradient rule for mode ${mode} / ${transform} / ${nearest} (nearest upsampling by integer factors only)`);
    g.setInputGrad(0, dx);
  },
};
