import { compareOp } from './shared/compare.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Equal (opset 7+; broadcasting since 7): a == b as bool. */
export const equal = compareOp('Equal', (a, b) => a === b);

/** Equal before opset 7: the `broadcast`/`axis` attribute form. */
export const equalLegacy = legacyBroadcast(equal);
