import { UnsupportedOpError } from '../errors.js';
import { ints } from './grad-context.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { constInts, optionalConstInts } from './shared/const-input.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { dataMovementCost, fail, normAxis, required } from './shared/tensor-info.js';

interface PadPlan {
  readonly x: TensorInfo;
  /** begin pads then end pads, one per input axis (negative pads crop) */
  readonly pads: number[];
  readonly mode: string;
}

/**
 * Pads from the `pads` attribute (before opset 11; `paddings` in opset 1) or input (11+),
 * restricted to `axes` (input, opset 18+) when given.
 */
function padPlan(ctx: OpContext, inputs: Inputs): PadPlan {
  const x = required(ctx, inputs, 0);
  const rank = x.shape.length;
  const mode = ctx.attrs.string('mode', 'constant');
  if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) fail(ctx, `mode ${mode} is not supported`);
  let given: number[];
  let axes: number[] | undefined;
  if (ctx.opset < 11) {
    given = ctx.attrs.ints('pads') ?? ctx.attrs.ints('paddings') ?? fail(ctx, 'attribute pads is required');
  } else {
    given = constInts(ctx, inputs, 1, 'pads');
    axes = ctx.opset >= 18 ? optionalConstInts(ctx, inputs, 3, 'axes') : undefined;
  }
  const ax = (axes ?? x.shape.map((_, i) => i)).map((a) => normAxis(ctx, a, rank));
  if (given.length !== 2 * ax.length) fail(ctx, `${given.length} pads for ${ax.length} axes (need two per axis)`);
  const pads = new Array<number>(2 * rank).fill(0);
  ax.forEach((a, i) => {
    pads[a] = given[i]!;
    pads[a + rank] = given[i + ax.length]!;
  });
  x.shape.forEach((d, i) => {
    if (d + pads[i]! + pads[i + rank]! < 0) fail(ctx, `pads [${given.join(', ')}] crop axis ${i} of size ${d} below zero`);
  });
  return { x, pads, mode };
}

/** Input index along one axis for output index `j`, or -1 for a constant-padded position. */
function source(j: number, begin: number, dim: number, mode: string): number {
  const i = j - begin;
  if (i >= 0 && i < dim) return i;
  if (mode === 'constant' || dim === 0) return -1;
  if (mode === 'edge') return i < 0 ? 0 : dim - 1;
  if (mode === 'wrap') return ((i % dim) + dim) % dim;
  // reflect, mirroring around the edge elements (not repeating them)
  if (dim === 1) return 0;
  const period = 2 * (dim - 1);
  const m = ((i % period) + period) % period;
  return m < dim ? m : period - m;
}

/** Pad (opset 1+; pads as input since 11, axes since 18): constant, reflect, edge or wrap padding. */
export const pad: OpDef = {
  opType: 'Pad',
  sinceVersion: 1,
  differentiable: [true, false, false, false],
  inferShape(ctx, inputs) {
    const { x, pads } = padPlan(ctx, inputs);
    const rank = x.shape.length;
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d + pads[i]! + pads[i + rank]!) }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const { x, pads, mode } = padPlan(ctx, inputs);
    if (!x.value) return undefined;
    let fill = ctx.attrs.float('value', 0);
    if (ctx.opset >= 11 && inputs[2]) {
      const c = inputs[2].value;
      if (!c) return undefined;
      fill = Number(c.data[0] ?? 0);
    }
    const rank = x.shape.length;
    const shape = x.shape.map((d, i) => d + pads[i]! + pads[i + rank]!);
    if (!canFold(shape)) return undefined;
    const strides = stridesOf(x.shape);
    const out = gatherValues(x.value, shape, (c) => {
      let o = 0;
      for (let i = 0; i < rank; i++) {
        const s = source(c[i]!, pads[i]!, x.shape[i]!, mode);
        if (s < 0) return -1;
        o += s * strides[i]!;
      }
      return o;
    }, fill);
    return [out];
  },
  // Constant mode: dX = the part of dY that X occupies (cropping pads are padded back with zeros).
  gradient(g) {
    const { x, pads, mode } = padPlan(g.ctx, g.inputInfos());
    if (mode !== 'constant') throw new UnsupportedOpError('Pad', g.ctx.name, g.opset, `gradient rule for mode ${mode}`);
    let dy = g.outGrad(0);
    const crop = pads.map((p) => Math.max(0, -p));
    if (crop.some((c) => c > 0)) dy = g.opset >= 11 ? g.emit('Pad', [dy, ints(g, 'uncrop', crop)], 'uncropped') : g.emit('Pad', [dy], 'uncropped', { pads: crop });
    const starts = x.shape.map((_, i) => Math.max(0, pads[i] as number));
    const ends = x.shape.map((d, i) => (starts[i] as number) + d);
    const axes = x.shape.map((_, i) => i);
    g.setInputGrad(0, g.emit('Slice', [dy, ints(g, 'starts', starts), ints(g, 'ends', ends), ints(g, 'axes', axes)], 'dx'));
  },
};
