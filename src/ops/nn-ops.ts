import { conv } from './conv.js';
import type { OpDef } from './op.js';
import { relu } from './relu.js';

/** Neural-network layer ops: convolutions, dense layers, pools, normalisation, activations. Sorted by name. */
export const NN_OPS: readonly OpDef[] = [conv, relu];
