import type { OpDef } from './op.js';
import { compareOp } from './shared/compare.js';

/** GreaterOrEqual (opset 12+): a >= b as bool. */
export const greaterOrEqual: OpDef = { ...compareOp('GreaterOrEqual', (a, b) => a >= b), sinceVersion: 12 };
