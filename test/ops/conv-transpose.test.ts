import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMatchesOrt } from '../../test-support/op-assert.js';
import { checkOp } from '../../test-support/op-check.js';

const weight = (shape: number[]) => ({ shape, value: new Array<number>(shape.reduce((a, b) => a * b, 1)).fill(0.1) });

describe('ConvTranspose', () => {
  it('ConvTranspose: stride 2, pads 1 upsamples 2x; MACs = numel(X) * (C_out / group) * prod(kernel)', async () => {
    const r = await checkOp('ConvTranspose', [{ shape: [2, 4, 5, 5] }, weight([4, 3, 4, 4]), { shape: [3], value: [0, 0.1, 0.2] }], { strides: [2, 2], pads: [1, 1, 1, 1] });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [2, 3, 10, 10]); // 2 * (5 - 1) + 4 - 2 = 10
    assert.equal(r.cost.macs, 2 * 4 * 5 * 5 * 3 * 16);
    assert.equal(r.cost.flops, 2 * (2 * 4 * 25 * 3 * 16) + 2 * 3 * 10 * 10); // + one bias add per output element
  });

  it('ConvTranspose: output_padding and dilations', async () => {
    const r = await checkOp('ConvTranspose', [{ shape: [1, 2, 4, 3] }, weight([2, 5, 3, 3])], { strides: [3, 2], output_padding: [1, 1], dilations: [2, 1] });
    assertMatchesOrt(r);
    // H: 3 * (4 - 1) + 1 + 2 * (3 - 1) + 1 = 15; W: 2 * (3 - 1) + 1 + 3 = 8
    assert.deepEqual(r.actual[0]?.dims, [1, 5, 15, 8]);
    assert.equal(r.cost.flops, 2 * (2 * 12) * 5 * 9);
  });

  it('ConvTranspose: groups multiply the output channels; MACs use C_out / group', async () => {
    const r = await checkOp('ConvTranspose', [{ shape: [1, 6, 3, 3] }, weight([6, 2, 3, 3])], { group: 3, strides: [2, 2] });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 6, 7, 7]); // channels 2 * 3; 2 * 2 + 3 = 7
    assert.equal(r.cost.macs, 6 * 9 * 2 * 9);
  });

  it('ConvTranspose: output_shape wins over pads; a full N, C, ... output_shape is rejected as ORT does', async () => {
    const r = await checkOp('ConvTranspose', [{ shape: [1, 2, 3, 3] }, weight([2, 2, 3, 3])], { strides: [2, 2], output_shape: [8, 7] });
    assertMatchesOrt(r);
    assert.deepEqual(r.actual[0]?.dims, [1, 2, 8, 7]);
    await assert.rejects(checkOp('ConvTranspose', [{ shape: [1, 2, 3, 3] }, weight([2, 2, 3, 3])], { output_shape: [1, 2, 6, 6] }), /must have 2 spatial values/);
  });

  it('ConvTranspose: auto_pad SAME_UPPER and SAME_LOWER give in * stride; 1-D and 3-D', async () => {
    for (const autoPad of ['SAME_UPPER', 'SAME_LOWER']) {
      const r = await checkOp('ConvTranspose', [{ shape: [1, 2, 5, 4] }, weight([2, 3, 3, 3])], { strides: [2, 3], auto_pad: autoPad });
      assertMatchesOrt(r);
      assert.deepEqual(r.actual[0]?.dims, [1, 3, 10, 12]);
    }
    assertMatchesOrt(await checkOp('ConvTranspose', [{ shape: [2, 3, 9] }, weight([3, 4, 5])], { strides: [2], pads: [2, 1] }));
    assertMatchesOrt(await checkOp('ConvTranspose', [{ shape: [1, 2, 3, 4, 2] }, weight([2, 2, 2, 2, 2])], { strides: [2, 1, 2] }));
  });

  it('ConvTranspose: a weight whose channels differ from the input is reported', async () => {
    await assert.rejects(checkOp('ConvTranspose', [{ shape: [1, 3, 4, 4] }, weight([2, 2, 3, 3])]), /weight expects 2 input channels/);
  });
});
