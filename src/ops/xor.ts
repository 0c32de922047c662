import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Xor (opset 7+): logical exclusive or of two bool tensors, broadcasting. */
export const xor = broadcastOp('Xor', 2, 1, ([a, b]) => (!a !== !b ? 1 : 0), { differentiable: [false, false] });

/** Xor before opset 7: the `broadcast`/`axis` attribute form. */
export const xorLegacy = legacyBroadcast(xor);
