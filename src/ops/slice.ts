import { type GradContext, ints, unsqueeze } from './grad-context.js';
import { type TensorInfo, byteSize, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { constInts, optionalConstInts } from './shared/const-input.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

/** Per input axis: first index read, step, and number of elements taken. */
interface AxisRange {
  readonly start: number;
  readonly step: number;
  readonly len: number;
}

/**
 * Resolves starts/ends/axes/steps (attributes before opset 10, inputs since) to one range per
 * axis, clamping as the spec says: negative values count from the end; with a positive step
 * start and end clamp to [0, dim], with a negative step start to [0, dim-1] and end to
 * [-1, dim-1]. Exporters write INT64_MAX for "to the end"; it clamps like any large value.
 */
function ranges(ctx: OpContext, inputs: Inputs): [TensorInfo, AxisRange[]] {
  // Bounds: axis < rank (normAxis); starts, ends, axes and steps have one entry per axis (checked equal lengths).
  const x = required(ctx, inputs, 0);
  const rank = x.shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.attrs.ints('starts') ?? fail(ctx, 'attribute starts is required');
    ends = ctx.attrs.ints('ends') ?? fail(ctx, 'attribute ends is required');
    axes = ctx.attrs.ints('axes');
  } else {
    starts = constInts(ctx, inputs, 1, 'starts');
    ends = constInts(ctx, inputs, 2, 'ends');
    axes = optionalConstInts(ctx, inputs, 3, 'axes');
    steps = optionalConstInts(ctx, inputs, 4, 'steps');
  }
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    fail(ctx, `starts, ends, axes and steps have different lengths (${starts.length}, ${ends.length}, ${axes.length}, ${steps.length})`);
  }
  const out: AxisRange[] = x.shape.map((d) => ({ start: 0, step: 1, len: d }));
  const seen = new Set<number>();
  axes.forEach((a, i) => {
    const axis = normAxis(ctx, a, rank);
    if (seen.has(axis)) fail(ctx, `axis ${a} appears twice`);
    seen.add(axis);
    // axis < rank (normAxis); steps is set just above (??=) and, like starts and ends, has one entry per axis
    const dim = x.shape[axis]!;
    const step = steps![i]!;
    if (step === 0) fail(ctx, 'a step is 0');
    let start = starts[i]!;
    let end = ends[i]!;
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
    } else {
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
    }
    out[axis] = { start, step, len: Math.max(0, Math.ceil((end - start) / step)) };
  });
  return [x, out];
}

/** Slice (opset 1+; inputs and steps since 10): a strided window of the input. */
export const slice: OpDef = {
  opType: 'Slice',
  sinceVersion: 1,
  differentiable: [true, false, false, false, false],
  inferShape(ctx, inputs) {
    const [x, r] = ranges(ctx, inputs);
    return [{ dtype: x.dtype, shape: r.map((a) => a.len) }];
  },
  // Only the selected elements are read (plus the small index inputs).
  cost: (_ctx, inputs, outputs) => ({
    flops: 0,
    bytesRead: byteSize(outputs[0]) + totalBytes(inputs.slice(1)),
    bytesWritten: totalBytes(outputs),
  }),
  evaluate(ctx, inputs) {
    const [x, r] = ranges(ctx, inputs);
    if (!x.value || !canFold(x.shape)) return undefined;
    const strides = stridesOf(x.shape);
    return [
      gatherValues(x.value, r.map((a) => a.len), (c) => {
        let o = 0;
        // ranges, coordinates and strides have one entry per axis
        for (let i = 0; i < c.length; i++) o += (r[i]!.start + c[i]! * r[i]!.step) * strides[i]!;
        return o;
      }),
    ];
  },
  gradient: sliceGradient,
};

/** Pad with begin/end `pads` (attribute before opset 11, input since). */
function padZeros(g: GradContext, x: string, pads: readonly number[], purpose: string): string {
  return g.opset >= 11 ? g.emit('Pad', [x, ints(g, `${purpose}_pads`, pads)], purpose) : g.emit('Pad', [x], purpose, { pads: [...pads] });
}

/**
 * dX = dY put back where the slice read it, zeros elsewhere (the positions read are distinct,
 * so nothing sums). Per axis with step k != 1: a negative step reads downwards, so dY is
 * reversed first (Slice with step -1) and then lies upwards from the lowest index read,
 * start + (len - 1) * step, with step |k|; k - 1 zeros are put after each element (Unsqueeze,
 * Pad, Reshape) and the trailing ones cut. Finally one Pad moves every axis to its offset.
 */
function sliceGradient(g: GradContext): void {
  const [x, axes] = ranges(g.ctx, g.inputInfos());
  const rank = x.shape.length;
  if (axes.some((r) => r.len === 0)) {
    g.setInputGrad(0, g.emit('Expand', [g.constant('zero', x.dtype, [], [0]), ints(g, 'x_shape', x.shape)], 'dx'));
    return;
  }
  let dy = g.outGrad(0);
  const shape = axes.map((r) => r.len);
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((r, a) => {
    const k = Math.abs(r.step);
    const low = r.step > 0 ? r.start : r.start + (r.len - 1) * r.step;
    if (r.step < 0) {
      // ends -(len + 1) resolve to -1: the reversed slice runs to the axis' beginning
      dy = g.emit('Slice', [dy, ints(g, `reverse${a}_starts`, [-1]), ints(g, `reverse${a}_ends`, [-(r.len + 1)]), ints(g, `reverse${a}_axes`, [a]), ints(g, `reverse${a}_steps`, [-1])], `reversed${a}`);
    }
    if (k > 1 && r.len > 1) {
      const extent = (r.len - 1) * k + 1;
      const gapPads = new Array<number>(2 * (rank + 1)).fill(0);
      gapPads[a + 1 + rank + 1] = k - 1;
      const gapped = padZeros(g, unsqueeze(g, dy, [a + 1], `spread${a}_unsq`), gapPads, `spread${a}_gaps`);
      const flat = shape.map((d, i) => (i === a ? r.len * k : d));
      const spread = g.emit('Reshape', [gapped, ints(g, `spread${a}_shape`, flat)], `spread${a}_flat`);
      dy = g.emit('Slice', [spread, ints(g, `spread${a}_starts`, [0]), ints(g, `spread${a}_ends`, [extent]), ints(g, `spread${a}_axes`, [a])], `spread${a}`);
      shape[a] = extent;
    }
    pads[a] = low;
    pads[a + rank] = x.shape[a]! - low - shape[a]!; // a < rank, and shape has rank entries
  });
  g.setInputGrad(0, pads.every((p) => p === 0) ? g.emit('Identity', [dy], 'dx') : padZeros(g, dy, pads, 'dx'));
}
