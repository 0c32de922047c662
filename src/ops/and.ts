import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** And (opset 7+): logical and of two bool tensors, broadcasting. */
export const and = broadcastOp('And', 2, 1, ([a, b]) => (a && b ? 1 : 0), { differentiable: [false, false] });

/** And before opset 7: the `broadcast`/`axis` attribute form. */
export const andLegacy = legacyBroadcast(and);
