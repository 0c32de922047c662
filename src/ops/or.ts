import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Or (opset 7+): logical or of two bool tensors, broadcasting. */
export const or = broadcastOp('Or', 2, 1, ([a, b]) => (a || b ? 1 : 0), { differentiable: [false, false] });

/** Or before opset 7: the `broadcast`/`axis` attribute form. */
export const orLegacy = legacyBroadcast(or);
