import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

describe('MaxPool', () => {
  it('MaxPool: 3x3 stride 2 pad 1 (ResNet stem); prod(kernel) - 1 compares per output element', async () => {
    const r = await checkOp('MaxPool', [{ shape: [2, 4, 16, 16] }], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 4, 8, 8]); // floor((16 + 2 - 3) / 2) + 1 = 8
    assert.equal(r.cost.flops, 8 * 2 * 4 * 8 * 8);
  });

  it('MaxPool: ceil_mode rounds up, but never starts a window in the end padding', async () => {
    const cases: [number[], Record<string, number[] | number>, number[]][] = [
      [[1, 1, 7, 7], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }, [1, 1, 4, 4]],
      [[1, 1, 6, 6], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, [1, 1, 3, 3]],
      [[1, 1, 5, 5], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }, [1, 1, 3, 3]],
      // H: ceil((9 + 2 - 3) / 3) + 1 = 4, but window 4 would start at 9, in the end padding: 3
      [[1, 2, 9, 8], { kernel_shape: [3, 2], strides: [3, 3], pads: [0, 1, 2, 0], ceil_mode: 1 }, [1, 2, 3, 3]],
    ];
    for (const [shape, attrs, want] of cases) {
      const r = await checkOp('MaxPool', [{ shape }], attrs, { opset: 12 });
      assertMatchesOrt(r);
      assert.deepEqual(r.actual[0]?.dims, want);
    }
  });

  it('MaxPool: dilations, auto_pad SAME_UPPER / SAME_LOWER / VALID, 1-D', async () => {
    const d = await checkOp('MaxPool', [{ shape: [1, 3, 12, 10] }], { kernel_shape: [3, 2], dilations: [2, 3] });
    assertMatchesOrt(d);
    assert.deepEqual(d.actual[0]?.dims, [1, 3, 8, 7]); // 12 - 5 + 1, 10 - 4 + 1
    assert.equal(d.cost.flops, 5 * 3 * 8 * 7);
    for (const autoPad of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
      assertMatchesOrt(await checkOp('MaxPool', [{ shape: [1, 2, 11, 9] }], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: autoPad }));
    }
    assertMatchesOrt(await checkOp('MaxPool', [{ shape: [3, 2, 20] }], { kernel_shape: [4], strides: [3] }));
  });

  it('MaxPool: the optional Indices output is int64 of the output shape, storage_order either way', async () => {
    for (const storageOrder of [0, 1]) {
      const r = await checkOp('MaxPool', [{ shape: [1, 2, 6, 5] }], { kernel_shape: [2, 2], strides: [2, 2], storage_order: storageOrder }, { outputs: 2 });
      assertMatchesOrt(r);
      assert.deepEqual(r.inferred[1], { dtype: 'int64', shape: [1, 2, 3, 2] });
      assert.equal(r.cost.bytesWritten, 12 * 4 + 12 * 8);
    }
  });

  it('MaxPool: opset 8 form (no ceil_mode) matches ORT', async () => {
    assertMatchesOrt(await checkOp('MaxPool', [{ shape: [1, 1, 7, 7] }], { kernel_shape: [3, 3], strides: [2, 2] }, { opset: 8 }));
  });
});
