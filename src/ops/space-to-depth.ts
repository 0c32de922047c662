import { reshape } from './grad-context.js';
import type { OpDef } from './op.js';
import { blockRearrangeOp } from './shared/block-rearrange.js';
import { fail } from './shared/tensor-info.js';

/** SpaceToDepth (opset 1+): moves b x b spatial blocks into channels (the inverse of DepthToSpace DCR). */
export const spaceToDepth: OpDef = blockRearrangeOp({
  opType: 'SpaceToDepth',
  sinceVersion: 1,
  outputShape(ctx, b, [n, c, h, w]) {
    if (b < 1 || h % b !== 0 || w % b !== 0) fail(ctx, `spatial size ${h}x${w} is not divisible by blocksize ${b}`);
    return [n, c * b * b, h / b, w / b];
  },
  source(_ctx, b, x, _out, s) {
    // Bounds: X is 4-D (blockInput), so its shape, strides and each coordinate have 4 entries.
    const c = x.shape[1]!;
    return ([n, oc, h, w]) => {
      const ic = oc! % c;
      const block = Math.floor(oc! / c);
      const bh = Math.floor(block / b);
      const bw = block % b;
      return n! * s[0]! + ic * s[1]! + (h! * b + bh) * s[2]! + (w! * b + bw) * s[3]!;
    };
  },
  // The op is reshape -> transpose [0,3,5,1,2,4] -> reshape; dX runs the inverse.
  gradient(g) {
    const [n, c, h, w] = g.inputInfo(0).shape as [number, number, number, number];
    const b = g.attrs.int('blocksize', 1);
    const six = reshape(g, g.outGrad(0), [n, b, b, c, h / b, w / b], 'dy_6d');
    g.setInputGrad(0, reshape(g, g.emit('Transpose', [six], 'dx_6d', { perm: [0, 3, 4, 1, 5, 2] }), [n, c, h, w], 'dx'));
  },
});
