import assert from 'node:assert/strict';
import type { AttrValue } from '../src/graph/builder.js';
import type { RunTensor } from '../src/runtime/session.js';
import { checkOp, type OpCheck, type OpInput } from './op-check.js';

/** A RunTensor's values as plain numbers (int64 included). */
export function numbersOf(t: RunTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, Number);
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface MatchOptions {
  readonly outputs?: number;
  readonly opset?: number;
  /** expect cleave to fold the outputs (default: when every input is a constant) */
  readonly fold?: boolean;
}

/**
 * Runs checkOp and asserts that, for every output, cleave's dtype and shape equal ONNX
 * Runtime's, and (when folded) that cleave's values equal ORT's.
 */
export async function matchesOrt(
  opType: string,
  inputs: readonly OpInput[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  options: MatchOptions = {},
): Promise<OpCheck> {
  const r = await checkOp(opType, inputs, attrs, options);
  const fold = options.fold ?? inputs.every((i) => i.value !== undefined || i.omitted);
  const where = `${opType} (opset ${options.opset ?? 17})`;
  r.actual.forEach((actual, i) => {
    const inferred = r.inferred[i];
    assert.ok(inferred, `${where}: output ${i} was not inferred`);
    assert.deepEqual(inferred.shape, actual.dims, `${where}: shape of output ${i}`);
    assert.equal(inferred.dtype, actual.dtype, `${where}: dtype of output ${i}`);
    if (!fold) return;
    assert.ok(inferred.value, `${where}: output ${i} was not folded`);
    const got = Array.from(inferred.value.data, Number);
    const want = numbersOf(actual);
    assert.deepEqual(inferred.value.dims, actual.dims, `${where}: folded dims of output ${i}`);
    assert.equal(got.length, want.length, `${where}: folded length of output ${i}`);
    got.forEach((g, k) => assert.ok(close(g, want[k]!), `${where}: output ${i}[${k}] = ${g}, ORT says ${want[k]}`));
  });
  return r;
}

/** 0, 1, 2, ... n-1 (readable constant values). */
export function iota(n: number, scale = 1, offset = 0): number[] {
  return Array.from({ length: n }, (_, i) => offset + i * scale);
}
