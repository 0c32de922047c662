import { reshape } from './grad-context.js';
import type { OpDef } from './op.js';
import { blockRearrangeOp } from './shared/block-rearrange.js';
import { fail } from './shared/tensor-info.js';

/**
 * DepthToSpace (opset 1+; mode since 11): moves channel blocks into b x b spatial blocks
 * (pixel shuffle). DCR (default) takes the block offset from the channel's high part, CRD
 * from its low part.
 */
export const depthToSpace: OpDef = blockRearrangeOp({
  opType: 'DepthToSpace',
  sinceVersion: 1,
  outputShape(ctx, b, [n, c, h, w]) {
    if (b < 1 || c % (b * b) !== 0) fail(ctx, `channels ${c} are not divisible by blocksize² ${b * b}`);
    return [n, c / (b * b), h * b, w * b];
  },
  source(ctx, b, _x, out, s) {
    // Bounds: X is 4-D (blockInput), so the output shape, strides and each coordinate have 4 entries.
    const crd = ctx.attrs.string('mode', 'DCR') === 'CRD';
    const c2 = out[1]!;
    return ([n, c, h, w]) => {
      const bh = h! % b;
      const bw = w! % b;
      const ic = crd ? c! * b * b + bh * b + bw : (bh * b + bw) * c2 + c!;
      return n! * s[0]! + ic * s[1]! + Math.floor(h! / b) * s[2]! + Math.floor(w! / b) * s[3]!;
    };
  },
  // The op is reshape -> transpose -> reshape; dX runs the inverse: dY viewed as the
  // transposed 6-D tensor, the inverse permutation, then X's shape.
  gradient(g) {
    const [n, c, h, w] = g.inputInfo(0).shape as [number, number, number, number];
    const b = g.attrs.int('blocksize', 1);
    const crd = g.attrs.string('mode', 'DCR') === 'CRD';
    const c2 = c / (b * b);
    // Both modes transpose to [n, c2, h, b, w, b]; they differ in where that came from.
    const inverse = crd ? [0, 1, 3, 5, 2, 4] : [0, 3, 5, 1, 2, 4];
    const six = reshape(g, g.outGrad(0), [n, c2, h, b, w, b], 'dy_6d');
    g.setInputGrad(0, reshape(g, g.emit('Transpose', [six], 'dx_6d', { perm: inverse }), [n, c, h, w], 'dx'));
  },
});
