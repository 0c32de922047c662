import type { OpDef } from './op.js';
import { compareOp } from './shared/compare.js';

/** LessOrEqual (opset 12+): a <= b as bool. */
export const lessOrEqual: OpDef = { ...compareOp('LessOrEqual', (a, b) => a <= b), sinceVersion: 12 };
