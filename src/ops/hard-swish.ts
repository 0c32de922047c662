import { activationOp } from './shared/activation.js';

/** HardSwish (opset 14+): x * max(0, min(1, x / 6 + 0.5)). 5 FLOPs per element: HardSigmoid's 4, then a multiply. */
export const hardSwish = activationOp('HardSwish', 14, 5, () => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5)));
