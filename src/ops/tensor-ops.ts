import { add } from './add.js';
import type { OpDef } from './op.js';
import { shape } from './shape.js';

/** Elementwise arithmetic, shape and data-movement ops (the ones exporters use for shape arithmetic). Sorted by name. */
export const TENSOR_OPS: readonly OpDef[] = [add, shape];
