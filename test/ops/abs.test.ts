import { describe, it } from 'node:test';
import { assertFoldedLikeOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';
import { unaryOpCases } from '../../test-support/unary-op-cases.js';

describe('Abs', () => {
  unaryOpCases('Abs', 'one sign flip', [-3, -1, 0, 0.5, 2, -5]);

  it('Abs: folds int64 shape arithmetic exactly', async () => {
    assertFoldedLikeOrt(await checkOp('Abs', [{ dtype: 'int64', shape: [4], value: [-7, 0, 3, -1] }]), 0, 0);
  });
});
