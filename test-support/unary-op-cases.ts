import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertFoldedLikeOrt, assertMatchesOrt } from './op-assert.js';
import { checkOp } from './op-check.js';

/**
 * The two checks every one-input elementwise op gets against ONNX Runtime: on [2, 3, 5] the
 * output has the input's shape and dtype, one FLOP per element (`what` says which operation
 * counts) and 4 bytes read and written per element; and a constant input folds to the values
 * ORT computes (`values`: points where the op is defined and interesting).
 */
export function unaryOpCases(opType: string, what: string, values: readonly number[]): void {
  it(`${opType}: output has the input shape; 1 FLOP per element (${what})`, async () => {
    const r = await checkOp(opType, [{ shape: [2, 3, 5] }], {});
    assertMatchesOrt(r);
    assert.equal(r.cost.flops, 1 * 2 * 3 * 5);
    assert.equal(r.cost.bytesRead, 30 * 4);
    assert.equal(r.cost.bytesWritten, 30 * 4);
  });

  it(`${opType}: folds a constant input to the values ORT computes`, async () => {
    const r = await checkOp(opType, [{ shape: [values.length], value: [...values] }], {});
    assertFoldedLikeOrt(r);
  });
}
