import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iota, matchesOrt } from '../../test-support/tensor-op-check.js';

const ints = (values: number[]) => ({ dtype: 'int64' as const, shape: [values.length], value: values });

describe('Pad', () => {
  it('Pad: pads and value attributes before opset 11', async () => {
    const r = await matchesOrt('Pad', [{ shape: [1, 2, 3, 4] }], { pads: [0, 0, 1, 2, 0, 0, 3, 0] }, { opset: 9 });
    assert.deepEqual(r.inferred[0]?.shape, [1, 2, 7, 6]);
    assert.equal(r.cost.flops, 0);
    await matchesOrt('Pad', [{ shape: [2, 3], value: iota(6) }], { pads: [1, 1, 0, 2], mode: 'edge' }, { opset: 9 });
  });

  it('Pad: pads and constant_value inputs from opset 11, all modes, negative pads crop', async () => {
    const x = { shape: [3, 4], value: iota(12, 1, 1) };
    await matchesOrt('Pad', [x, ints([1, 2, 0, 1]), { shape: [], value: [-5] }], {}, { opset: 11 });
    await matchesOrt('Pad', [x, ints([2, 3, 1, 2])], { mode: 'reflect' }, { opset: 13 });
    await matchesOrt('Pad', [x, ints([2, 1, 0, 3])], { mode: 'edge' }, { opset: 13 });
    await matchesOrt('Pad', [x, ints([-1, 1, 0, -2])], {}, { opset: 13 });
    await matchesOrt('Pad', [{ shape: [2, 3, 5] }, ints([0, 1, 2, 0, 1, 2])], { mode: 'reflect' }, { opset: 11 });
  });

  it('Pad: axes input (opset 18)', async () => {
    const r = await matchesOrt('Pad', [{ shape: [2, 3, 4], value: iota(24) }, ints([1, 2]), { omitted: true, shape: [] }, ints([-1])], {}, { opset: 18 });
    assert.deepEqual(r.inferred[0]?.shape, [2, 3, 7]);
  });
});
