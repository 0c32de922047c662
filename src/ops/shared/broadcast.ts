import type { OpContext } from '../op.js';
import { fail } from './tensor-info.js';

/** NumPy-style multidirectional broadcasting of two or more shapes. */
export function broadcastShapes(ctx: OpContext, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    s.forEach((d, i) => {
      const o = out[off + i]!; // off + i < out.length (off = out.length - shape.length)
      if (o === 1) out[off + i] = d;
      else if (d !== 1 && d !== o) fail(ctx, `shapes [${shapes.map((x) => x.join('x')).join('], [')}] do not broadcast`);
    });
  }
  return out;
}

/** Strides of a row-major shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!; // i < shape.length
  }
  return s;
}

/** For each flat index of `out`, the flat index into an input of shape `inShape` under broadcasting. */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): (flat: number) => number {
  // Bounds: i < inShape.length <= outShape.length, so off + i indexes outShape and outStrides, i inShape and inStrides.
  const off = outShape.length - inShape.length;
  const outStrides = stridesOf(outShape);
  const inStrides = stridesOf(inShape);
  return (flat) => {
    let idx = 0;
    for (let i = 0; i < inShape.length; i++) {
      const coord = Math.floor(flat / outStrides[off + i]!) % outShape[off + i]!;
      if (inShape[i]! !== 1) idx += coord * inStrides[i]!;
    }
    return idx;
  };
}
