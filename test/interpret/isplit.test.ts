import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isplit, isplitLayers, rankCuts, scanSaliency } from '../../src/interpret/isplit.js';
import { buildModel } from '../../src/models/catalogue.js';
import { TINY_V, tinyDataset, tinyIsplitModel } from '../../test-support/isplit/tiny.js';

// Pixels are fed as x / 255; mean 0, std 1/255 turns them back into the raw values below.
const RAW = { mean: [0], std: [1 / 255] };
// Image 1: x = [[1, 2], [3, 4]]: y0 = 1 - 2*4 = -7, y1 = 4 -> predicted class 1.
// Image 2: x = [[5, 0], [0, 1]]: y0 = 5 - 2*1 = 3, y1 = 1 -> predicted class 0.
const IMAGES = [[1, 2, 3, 4], [5, 0, 0, 1]];

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-6, `${what}: ${actual} != ${expected}`);
}

describe('isplit on a hand-made model', () => {
  it('scores both cut points as computed by hand (predicted class)', async () => {
    const data = tinyDataset(IMAGES, [1, 0]);
    const r = await isplit(tinyIsplitModel(), data, { normalisation: RAW, batch: 2 });
    assert.deepEqual(r.cuts.map((c) => c.tensor), ['A', 'flat']);
    // Layer A (K = 2, H = W = 2); dy_c/dA is V[:, c] laid out as A.
    // Image 1, c = 1: alpha = (mean(0,0,0,1), mean(0,0,0,0)) = (1/4, 0); (1/K) sum alpha_k A_k = x / 8
    //   = [[.125, .25], [.375, .5]] >= 0, sum 1.25.
    // Image 2, c = 0: alpha = (1/4, -1/4); (A1 - A2) / 8 = -x / 8 <= 0 -> ReLU gives 0, sum 0.
    // M = mean of the maps: sum_ij M = (1.25 + 0) / 2 = 0.625; S = 0.625 / (2 * 2) = 0.15625.
    close(r.cuts[0]!.score, 0.15625, 'S(A)');
    // Layer flat (K = 8, 1 x 1): alpha_k = V[k, c]; sum_k alpha_k a_k = y_c.
    // Image 1: ReLU(4 / 8) = 0.5; image 2: ReLU(3 / 8) = 0.375. S = (0.5 + 0.375) / 2 = 0.4375.
    close(r.cuts[1]!.score, 0.4375, 'S(flat)');
    close(r.cuts[0]!.logScore, Math.log(0.15625), 'log S(A)');
    assert.deepEqual(r.candidates, ['flat']);
    assert.equal(r.recommended, 'flat');
    assert.deepEqual(r.cuts.map((c) => c.rank), [2, 1]);
    // Both cuts carry 8 floats: the bytes-only baseline cannot tell them apart.
    assert.deepEqual(r.cuts.map((c) => c.bytes), [32, 32]);
    assert.deepEqual(r.cuts.map((c) => c.bytesRank), [1.5, 1.5]);
    assert.equal(r.images, 2);
  });

  it('counts correct predictions over all the model\'s classes when it has more than the folder', async () => {
    // 10 classes: V's first two columns as TINY_V, column 5 reads A1(1,1) = x11 with weight 2.
    const v = TINY_V.map((row, k) => Array.from({ length: 10 }, (_, c) => (c < 2 ? row[c]! : c === 5 && k === 3 ? 2 : 0)));
    // Image 1 (label 1): logits y0 = -7, y1 = 4, y5 = 8, others 0 -> top class 5: wrong.
    // Image 2 (label 0): y0 = 3, y1 = 1, y5 = 2 -> top class 0: right.
    const scan = await scanSaliency(tinyIsplitModel(v), tinyDataset(IMAGES, [1, 0]), { normalisation: RAW, batch: 2 });
    assert.deepEqual(scan.counts, [1, 1]);
    // A stride of the folder's 2 classes would read image 1 as class 1 (right) and image 2 from image 1's row.
    assert.deepEqual(scan.correct, [1, 0]);
  });

  it('averages over the images of a class subset only', async () => {
    const scan = await scanSaliency(tinyIsplitModel(), tinyDataset(IMAGES, [1, 0]), { normalisation: RAW, batch: 2 });
    assert.deepEqual(scan.counts, [1, 1]);
    assert.deepEqual(scan.correct, [1, 1]);
    const one = rankCuts(scan, [1]);
    close(one.cuts[0]!.score, 1.25 / 4, 'S(A), class 1');
    close(one.cuts[1]!.score, 0.5, 'S(flat), class 1');
    const zero = rankCuts(scan, [0]);
    // Image 2's map at A is all zero: S = 0, log S = -inf, which is no maximum.
    assert.equal(zero.cuts[0]?.score, 0);
    assert.equal(zero.cuts[0]?.logScore, Number.NEGATIVE_INFINITY);
    close(zero.cuts[1]!.score, 0.375, 'S(flat), class 0');
    assert.deepEqual(zero.candidates, ['flat']);
  });

  it('ranks only the spatial cuts when asked', async () => {
    const scan = await scanSaliency(tinyIsplitModel(), tinyDataset(IMAGES, [1, 0]), { normalisation: RAW, batch: 2 });
    const r = rankCuts(scan, undefined, { spatialOnly: true });
    assert.deepEqual(r.cuts.map((c) => c.tensor), ['A']);
    close(r.cuts[0]!.score, 0.15625, 'S(A)');
    assert.equal(r.recommended, 'A');
    assert.deepEqual(r.candidates, ['A']);
  });

  it('explains the true class when asked', async () => {
    // Both images labelled 1. Image 2 with c = 1: alpha = (1/4, 0), map x / 8 = [[5/8, 0], [0, 1/8]], sum 0.75.
    const r = await isplit(tinyIsplitModel(), tinyDataset(IMAGES, [1, 1]), { normalisation: RAW, batch: 2, target: 'true' });
    close(r.cuts[0]!.score, (1.25 + 0.75) / 2 / 4, 'S(A), true class');
    // flat: image 1 y1 / 8 = 0.5, image 2 y1 / 8 = 1 / 8.
    close(r.cuts[1]!.score, (0.5 + 0.125) / 2, 'S(flat), true class');
  });

  it('pads a short last batch without counting the padding', async () => {
    const data = tinyDataset([...IMAGES, IMAGES[0]!], [1, 0, 1]);
    const r = await isplit(tinyIsplitModel(), data, { normalisation: RAW, batch: 2 });
    // Images 1, 2, 1: sum_ij M at A = (1.25 + 0 + 1.25) / 3.
    close(r.cuts[0]!.score, 2.5 / 3 / 4, 'S(A) over 3 images');
    assert.equal(r.images, 3);
  });

  it('limits the images and refuses classes the data does not have', async () => {
    const data = tinyDataset([...IMAGES, ...IMAGES], [1, 0, 1, 0]);
    const r = await isplit(tinyIsplitModel(), data, { normalisation: RAW, batch: 2, images: 2 });
    assert.equal(r.images, 2);
    await assert.rejects(isplit(tinyIsplitModel(), data, { classes: [2] }), /class 2 is out of range/);
    await assert.rejects(isplit(tinyIsplitModel(), tinyDataset(IMAGES, [1, 1]), { classes: [0] }), /no image of class 0/);
  });

  it('lists the single-tensor cut points of a CNN, dense ones as 1 x 1 maps', () => {
    const layers = isplitLayers(buildModel('lenet'));
    const names = layers.map((l) => l.tensor);
    assert.deepEqual(names.slice(0, 3), ['conv1', 'relu1', 'pool1']);
    const pool1 = layers.find((l) => l.tensor === 'pool1');
    assert.deepEqual(pool1?.spatial, [14, 14]);
    assert.equal(pool1?.bytes, 6 * 14 * 14 * 4);
    const fc1 = layers.find((l) => l.tensor === 'fc1');
    assert.deepEqual(fc1?.spatial, [1, 1]);
    assert.equal(fc1?.channels, 120);
    assert.throws(() => isplitLayers(buildModel('lenet'), ['nope']), /not a single-tensor cut point/);
  });
});
