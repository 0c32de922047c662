import type { BackwardEmitter } from './node-grad-context.js';

/** Opset in which each reduction's axes moved from an attribute to an input. */
const AXES_INPUT_SINCE: Readonly<Record<string, number>> = { ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18 };

/** Emits a reduction over `axes` in the form the model's opset wants. */
export function emitReduce(e: BackwardEmitter, opset: number, op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax', x: string, axes: readonly number[], keepdims: boolean, name: string): string {
  const keep = { keepdims: keepdims ? 1 : 0 };
  if (opset >= (AXES_INPUT_SINCE[op] as number)) {
    const a = e.constant(`${name}_axes`, 'int64', [axes.length], axes);
    return e.emit(op, [x, a], 1, name, keep)[0] as string;
  }
  return e.emit(op, [x], 1, name, { ...keep, axes: [...axes] })[0] as string;
}
