import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Sub (opset 7+): elementwise difference, NumPy broadcasting. One FLOP per output element. */
export const sub = broadcastOp('Sub', 2, 1, ([a, b]) => (a as number) - (b as number), { differentiable: [true, true] });

/** Sub before opset 7: the `broadcast`/`axis` attribute form. */
export const subLegacy = legacyBroadcast(sub);
