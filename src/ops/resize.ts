import { UnsupportedOpError } from '../errors.js';
import { float, type AttrValue } from '../graph/builder.js';
import { blockSum, type GradContext } from './grad-context.js';
import { numel } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { type AxisWeights, identityRows, resampleAdjoint } from './shared/resample-adjoint.js';
import { constantValues, resizeCost, scaledDim } from './shared/resize-geometry.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

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
  // Bounds: axes are axes of X (axesOf checks them), and sizes and scales have one value per axis (checked before use).
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
      axes.forEach((a, i) => (out[a] = sizes[i]!));
    } else {
      const ratios = axes.map((a, i) => sizes[i]! / x.shape[a]!);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (out[a] = Math.round(scale * x.shape[a]!)));
    }
    return out;
  }
  if (!scalesT || numel(scalesT) === 0) fail(ctx, 'needs scales or sizes');
  const scales = constantValues(ctx, scalesT, 'scales');
  if (scales.length !== axes.length) fail(ctx, `scales has ${scales.length} values for ${axes.length} axes`);
  axes.forEach((a, i) => (out[a] = scaledDim(x.shape[a]!, scales[i]!)));
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
  cost: (ctx, inputs, [y]) => resizeCost(ctx.attrs.string('mode', 'nearest'), inputs, y!),
  gradient: resizeGradient,
};

/** The interpolation attributes the node sets (extrapolation_value aside: see axisWeights). */
function interpolationAttrs(g: GradContext): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const name of ['mode', 'coordinate_transformation_mode', 'nearest_mode']) {
    const v = g.attrs.string(name);
    if (v !== undefined) out[name] = v;
  }
  for (const name of ['exclude_outside', 'antialias']) {
    const v = g.attrs.int(name);
    if (v !== undefined) out[name] = v;
  }
  const a = g.attrs.float('cubic_coeff_a');
  if (a !== undefined) out['cubic_coeff_a'] = float(a);
  return out;
}

/**
 * A^T of every axis the resize moves, as the same Resize applied to identity rows along their
 * last axis (see shared/resample-adjoint): with the node's scale for that axis when it gave
 * scales, with sizes [n, 1, 1, m] when it gave sizes (the runtime then derives the same scale
 * m / n), and for tf_crop_and_resize with that axis' roi. extrapolation_value becomes 0: a
 * point outside the crop takes a constant, which does not depend on x.
 */
function axisWeights(g: GradContext): AxisWeights[] {
  // Bounds: axes are axes of X and Y (same rank), values has one per axis (as outShape checked), roi two per axis, and opset < 11 always has scales.
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const inputs = g.inputInfos();
  const axes = axesOf(g.ctx, x.shape.length);
  const scalesT = inputs[g.opset < 11 ? 1 : 2];
  const sizesT = g.opset < 11 ? undefined : inputs[3];
  const bySizes = sizesT !== undefined && numel(sizesT) > 0;
  const policy = g.attrs.string('keep_aspect_ratio_policy', 'stretch');
  if (bySizes && policy !== 'stretch') throw new UnsupportedOpError('Resize', g.ctx.name, g.opset, `gradient rule for keep_aspect_ratio_policy ${policy}`);
  const values = bySizes ? constantValues(g.ctx, sizesT, 'sizes') : constantValues(g.ctx, scalesT ?? fail(g.ctx, 'needs scales or sizes'), 'scales');
  const transform = g.attrs.string('coordinate_transformation_mode', g.opset < 11 ? 'asymmetric' : 'half_pixel');
  const roiT = g.opset >= 11 ? inputs[1] : undefined;
  const roi = transform === 'tf_crop_and_resize' ? constantValues(g.ctx, roiT ?? fail(g.ctx, 'tf_crop_and_resize needs roi'), 'roi') : undefined;
  // With these two modes even a scale of 1 moves samples (by half a pixel, or to the crop).
  const shifts = transform === 'tf_half_pixel_for_nn' || transform === 'tf_crop_and_resize';
  const attrs = { ...interpolationAttrs(g), ...(g.opset >= 11 ? { extrapolation_value: float(0) } : {}) };
  const out: AxisWeights[] = [];
  axes.forEach((a, i) => {
    const n = x.shape[a]!;
    const m = y.shape[a]!;
    const v = values[i]!;
    if (!shifts && (bySizes ? m === n : v === 1)) return;
    const rows = identityRows(g, n, x.dtype, `axis${a}_eye`);
    const scales = bySizes ? undefined : g.constant(`axis${a}_scales`, 'float32', [4], [1, 1, 1, v]);
    const sizes = bySizes ? g.constant(`axis${a}_sizes`, 'int64', [4], [n, 1, 1, m]) : undefined;
    let ins: string[];
    if (g.opset < 11) {
      ins = [rows, scales!];
    } else {
      const roiC = roi ? g.constant(`axis${a}_roi`, 'float32', [8], [0, 0, 0, roi[i]!, 1, 1, 1, roi[i + axes.length]!]) : '';
      // Opsets 11 and 12 need roi and scales present (empty when unused).
      const empty = () => g.constant(`axis${a}_empty`, 'float32', [0], []);
      ins = g.opset < 13 ? [roiC || empty(), scales ?? empty()] : [roiC, scales ?? ''];
      ins = [rows, ...ins, ...(sizes ? [sizes] : [])];
    }
    out.push({ axis: a, inDim: n, weights: g.emit('Resize', ins, `axis${a}_weights_t`, attrs) });
  });
  return out;
}

/**
 * Resize is linear in X, so dX = A^T dY. Nearest upsampling by integer factors in which each
 * output cell reads the input cell of its block (asymmetric/floor, half_pixel or
 * pytorch_half_pixel with round_prefer_floor) takes the cheaper block sums of dY; every other
 * mode, coordinate transformation, scale or size applies the runtime's own per-axis weights
 * (see axisWeights).
 */
function resizeGradient(g: GradContext): void {
  const mode = g.attrs.string('mode', 'nearest');
  const transform = g.attrs.string('coordinate_transformation_mode', g.opset < 11 ? 'asymmetric' : 'half_pixel');
  const nearest = g.attrs.string('nearest_mode', 'round_prefer_floor');
  const blocky = mode === 'nearest' && ((transform === 'asymmetric' && nearest === 'floor') || ((transform === 'half_pixel' || transform === 'pytorch_half_pixel') && nearest === 'round_prefer_floor'));
  const fast = blocky ? blockSum(g, g.outGrad(0), g.inputInfo(0).shape, g.outputInfo(0).shape, 'dx') : undefined;
  if (fast) {
    g.setInputGrad(0, fast);
    return;
  }
  const weights = axisWeights(g);
  const dx = resampleAdjoint(g, g.outGrad(0), g.outputInfo(0).shape, weights, 'adjoint');
  g.setInputGrad(0, g.emit('Identity', [dx], 'dx'));
}
