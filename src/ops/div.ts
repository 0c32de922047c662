import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/**
 * Div (opset 7+): elementwise quotient, NumPy broadcasting. One FLOP per output element.
 * On integer types the quotient truncates toward zero (broadcastOp truncates integral results),
 * which is what exporters rely on in shape arithmetic such as `H / 2`.
 */
export const div = broadcastOp('Div', 2, 1, ([a, b]) => (a as number) / (b as number), { differentiable: [true, true] });

/** Div before opset 7: the `broadcast`/`axis` attribute form. */
export const divLegacy = legacyBroadcast(div);
