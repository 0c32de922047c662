import { compareOp } from './shared/compare.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Less (opset 7+): a < b as bool. */
export const less = compareOp('Less', (a, b) => a < b);

/** Less before opset 7: the `broadcast`/`axis` attribute form. */
export const lessLegacy = legacyBroadcast(less);
