import { UnsupportedOpError } from '../errors.js';
import { type GradContext, ints, reduceSum } from './grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
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
  // given has 2 * ax.length entries (checked above); pads has 2 * rank, one pair per axis
  ax.forEach((a, i) => {
    pads[a] = given[i]!;
    pads[a + rank] = given[i + ax.length]!;
  });
  x.shape.forEach((d, i) => {
    if (d + pads[i]! + pads[i + rank]! < 0) fail(ctx, `pads [${given.join(', ')}] crop axis ${i} of size ${d} below zero`); // pads has 2 rank entries, i < rank
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
    // pads has 2 * rank entries (padPlan)
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => d + pads[i]! + pads[i + rank]!) }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    // Bounds: padPlan gives 2 rank pads; coordinates and strides have rank entries.
    const { x, pads, mode } = padPlan(ctx, inputs);
    if (!x.value) return undefined;
    let fill = ctx.attrs.float('value', 0);
    if (ctx.opset >= 11 && inputs[2]) {
      const c = inputs[2].value;
      if (!c) return undefined;
      fill = Number(c.data[0] ?? 0);
    }
    const rank = x.shape.length;
    // pads has 2 * rank entries; coordinates and strides have rank entries
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
  gradient: padGradient,
};

/** Slice of `axes`, [starts, ends) (attributes before opset 10, inputs since). */
function sliceAxes(g: GradContext, x: string, axes: readonly number[], starts: readonly number[], ends: readonly number[], purpose: string): string {
  if (g.opset < 10) return g.emit('Slice', [x], purpose, { starts: [...starts], ends: [...ends], axes: [...axes] });
  return g.emit('Slice', [x, ints(g, `${purpose}_starts`, starts), ints(g, `${purpose}_ends`, ends), ints(g, `${purpose}_axes`, axes)], purpose);
}

/** Slice of one axis, [start, end). */
function sliceAxis(g: GradContext, x: string, axis: number, start: number, end: number, purpose: string): string {
  return sliceAxes(g, x, [axis], [start], [end], purpose);
}

/** Constant zero padding (attribute before opset 11, input since). */
function padZeros(g: GradContext, x: string, pads: readonly number[], purpose: string): string {
  return g.opset >= 11 ? g.emit('Pad', [x, ints(g, `${purpose}_pads`, pads)], purpose) : g.emit('Pad', [x], purpose, { pads: [...pads] });
}

/** Zero-pads axis `axis` of a tensor of rank `rank` by `begin` and `end`. */
function padAxis(g: GradContext, x: string, rank: number, axis: number, begin: number, end: number, purpose: string): string {
  if (begin === 0 && end === 0) return x;
  const pads = new Array<number>(2 * rank).fill(0);
  pads[axis] = begin;
  pads[axis + rank] = end;
  return padZeros(g, x, pads, purpose);
}

/**
 * Constant mode: dX = the part of dY that X occupies (cropping pads are padded back with zeros).
 * Other modes copy input elements into the pads, so each pad cell's gradient goes back to the
 * element it copied. The copy map is a product of per-axis maps, so the adjoint is taken axis
 * by axis: along an axis of size D with pads b (begin) and e (end), dX = dY[b:b+D] plus
 * - reflect: dY[b-1..0] (reversed by Gather) onto X[1..b], dY[last..b+D] onto X[D-1-e..D-2];
 * - edge: the sum of dY[0:b] onto X[0], the sum of dY[b+D:] onto X[D-1];
 * - wrap: dY[0:b] onto X[D-b..D-1], dY[b+D:] onto X[0..e-1],
 * each placed by zero padding and added.
 */
function padGradient(g: GradContext): void {
  // Bounds: padPlan gives 2 rank pads for X's rank axes; axes and starts run in step.
  const { x, pads, mode } = padPlan(g.ctx, g.inputInfos());
  const rank = x.shape.length;
  if (mode === 'constant') {
    let dy = g.outGrad(0);
    const crop = pads.map((p) => Math.max(0, -p));
    if (crop.some((c) => c > 0)) dy = padZeros(g, dy, crop, 'uncropped');
    const axes = x.shape.map((_, i) => i).filter((i) => pads[i]! > 0 || pads[i + rank]! > 0);
    const starts = axes.map((i) => Math.max(0, pads[i]!));
    const ends = axes.map((i, j) => starts[j]! + x.shape[i]!);
    g.setInputGrad(0, axes.length ? sliceAxes(g, dy, axes, starts, ends, 'dx') : g.emit('Identity', [dy], 'dx'));
    return;
  }
  if (pads.some((p) => p < 0)) throw new UnsupportedOpError('Pad', g.ctx.name, g.opset, `gradient rule for mode ${mode} with negative (cropping) pads`);
  let cur = g.outGrad(0);
  x.shape.forEach((d, a) => {
    const b = pads[a]!;
    const e = pads[a + rank]!;
    if (b === 0 && e === 0) return;
    const edge = mode === 'edge' || d === 1;
    const limit = edge ? Infinity : mode === 'reflect' ? d - 1 : d;
    if (b > limit || e > limit) throw new UnsupportedOpError('Pad', g.ctx.name, g.opset, `gradient rule for mode ${mode} with pads (${b}, ${e}) beyond axis ${a} of size ${d}`);
    const p = `axis${a}`;
    const parts = [sliceAxis(g, cur, a, b, b + d, `${p}_core`)];
    if (edge) {
      if (b > 0) parts.push(padAxis(g, reduceSum(g, sliceAxis(g, cur, a, 0, b, `${p}_begin`), [a], true, `${p}_begin_sum`), rank, a, 0, d - 1, `${p}_begin_placed`));
      if (e > 0) parts.push(padAxis(g, reduceSum(g, sliceAxis(g, cur, a, b + d, b + d + e, `${p}_end`), [a], true, `${p}_end_sum`), rank, a, d - 1, 0, `${p}_end_placed`));
    } else if (mode === 'reflect') {
      const reversed = (from: number, count: number, what: string) => g.emit('Gather', [cur, ints(g, `${p}_${what}_idx`, Array.from({ length: count }, (_, t) => from - t))], `${p}_${what}`, { axis: a });
      if (b > 0) parts.push(padAxis(g, reversed(b - 1, b, 'begin'), rank, a, 1, d - 1 - b, `${p}_begin_placed`));
      if (e > 0) parts.push(padAxis(g, reversed(b + d + e - 1, e, 'end'), rank, a, d - 1 - e, 1, `${p}_end_placed`));
    } else {
      if (b > 0) parts.push(padAxis(g, sliceAxis(g, cur, a, 0, b, `${p}_begin`), rank, a, d - b, 0, `${p}_begin_placed`));
      if (e > 0) parts.push(padAxis(g, sliceAxis(g, cur, a, b + d, b + d + e, `${p}_end`), rank, a, 0, d - e, `${p}_end_placed`));
    }
    cur = g.emit('Sum', parts, `${p}_dx`);
  });
  g.setInputGrad(0, g.emit('Identity', [cur], 'dx'));
}
