import { compareOp } from './shared/compare.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Greater (opset 7+): a > b as bool. */
export const greater = compareOp('Greater', (a, b) => a > b);

/** Greater before opset 7: the `broadcast`/`axis` attribute form. */
export const greaterLegacy = legacyBroadcast(greater);
