import type { NodeEmitter } from './emitter.js';

/** Opset in which each reduction's axes moved from an attribute to an input. */
const AXES_INPUT_SINCE: Readonly<Record<string, number>> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18 };

/** Emits a reduction over `axes` in the form the model's opset wants. */
export function emitReduce(e: NodeEmitter, opset: number, op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax', x: string, axes: readonly number[], keepdims: boolean, name: string): string {
  const keep = { keepdims: keepdims ? 1 : 0 };
  if (opset >= (AXES_INPUT_SINCE[op] ?? Infinity)) {
    const a = e.constant(`${name}_axes`, 'int64', [axes.length], axes);
    return e.emitOne(op, [x, a], name, keep);
  }
  return e.emitOne(op, [x], name, { ...keep, axes: [...axes] });
}
