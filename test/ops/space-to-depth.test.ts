import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('SpaceToDepth', () => {
  it('SpaceToDepth: shape and values, as ORT', async () => {
    const r = await matchesOrt('SpaceToDepth', [{ shape: [2, 3, 4, 6] }], { blocksize: 2 }, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 12, 2, 3]);
    await matchesOrt('SpaceToDepth', [{ shape: [1, 2, 4, 6], value: iota(48) }], { blocksize: 2 }, { opset: 13 });
  });
});
