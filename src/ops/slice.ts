import { UnsupportedOpError } from '../errors.js';
import { ints } from './grad-context.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { constInts, optionalConstInts } from './shared/const-input.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { byteSize, fail, normAxis, required, totalBytes } from './shared/tensor-info.js';

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
        for (let i = 0; i < c.length; i++) o += (r[i]!.start + c[i]! * r[i]!.step) * strides[i]!;
        return o;
      }),
    ];
  },
  // Steps of 1: dX = dY padded back with zeros to X's extent. Other steps have no rule yet.
  gradient(g) {
    const [x, axes] = ranges(g.ctx, g.inputInfos());
    if (axes.some((r) => r.step !== 1)) throw new UnsupportedOpError('Slice', g.ctx.name, g.opset, 'gradient rule for steps other than 1');
    const rank = x.shape.length;
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((r, i) => {
      pads[i] = r.start;
      pads[i + rank] = (x.shape[i] as number) - r.start - r.len;
    });
    g.setInputGrad(0, g.opset >= 11 ? g.emit('Pad', [g.outGrad(0), ints(g, 'pads', pads)], 'dx') : g.emit('Pad', [g.outGrad(0)], 'dx', { pads }));
  },
};
