import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

describe('DepthToSpace', () => {
  it('DepthToSpace: shape and values in DCR and CRD modes, as ORT', async () => {
    const r = await matchesOrt('DepthToSpace', [{ shape: [1, 8, 2, 3] }], { blocksize: 2 }, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [1, 2, 4, 6]);
    const x = { shape: [1, 8, 2, 3], value: iota(48) };
    await matchesOrt('DepthToSpace', [x], { blocksize: 2 }, { opset: 13 });
    await matchesOrt('DepthToSpace', [x], { blocksize: 2, mode: 'CRD' }, { opset: 13 });
  });
});
