import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { batches, makeBatch, oneHot } from '../../src/data/batches.js';
import { loadDataset, loadFashionMnist, loadMnist, parseIdx, scanJsonImages } from '../../src/data/datasets.js';

describe('datasets', () => {
  it('loadMnist: the original IDX files, 60k train and 10k test, labels 0-9', () => {
    const train = loadMnist('train');
    assert.equal(train.count, 60000);
    assert.equal(train.images.length, 60000 * 784);
    assert.deepEqual(Array.from(train.labels.subarray(0, 8)), [5, 0, 4, 1, 9, 2, 1, 3]);
    const test = loadMnist('test', { limit: 100 });
    assert.equal(test.count, 100);
    assert.ok(test.labels.every((l) => l < 10));
  });

  it('loadFashionMnist: a short prefix is class-balanced and read from the start of the files only', () => {
    const ds = loadFashionMnist('train', { limit: 200 });
    assert.equal(ds.count, 200);
    const hist = new Array<number>(10).fill(0);
    for (const l of ds.labels) hist[l] = hist[l]! + 1;
    assert.deepEqual(hist, new Array(10).fill(20));
    // Not blank: real garments have many bright pixels.
    assert.ok(ds.images.subarray(0, 784).some((p) => p > 100));
  });

  it('scanJsonImages: parses nested pixel lists, skips empty lists, rejects a wrong size', () => {
    const text = new TextEncoder().encode('{"data":[[1,2,3,4],[],[5,6,7,255]]}');
    assert.deepEqual(Array.from(scanJsonImages(text, 4, 10)), [1, 2, 3, 4, 5, 6, 7, 255]);
    assert.deepEqual(Array.from(scanJsonImages(text, 4, 10, 1)), [5, 6, 7, 255]);
    assert.throws(() => scanJsonImages(new TextEncoder().encode('{"data":[[1,2,3]]}'), 4, 10), BadRequestError);
  });

  it('parseIdx rejects files that are not IDX; loadDataset rejects unknown names', () => {
    assert.throws(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 'junk'), BadRequestError);
    assert.throws(() => loadDataset('cifar', 'train'), /unknown dataset "cifar"/);
  });

  it('batches: seeded shuffles repeat, the last short batch is dropped, pixels scale to [0, 1]', () => {
    const ds = loadMnist('test', { limit: 100 });
    const a = [...batches(ds, 32, { seed: 3 })];
    const b = [...batches(ds, 32, { seed: 3 })];
    assert.equal(a.length, 3);
    assert.deepEqual(Array.from(a[1]?.labels ?? []), Array.from(b[1]?.labels ?? []));
    const first = makeBatch(ds, [0]);
    assert.ok(first.x.every((v) => v >= 0 && v <= 1));
    assert.equal(first.onehot[ds.labels[0]!], 1);
  });

  it('oneHot: labels out of range are a BadRequestError naming the sample', () => {
    assert.throws(() => oneHot([1, 10], 10), (e: unknown) => e instanceof BadRequestError && /label 10 of sample 1/.test(e.message));
    assert.throws(() => oneHot([-1], 10), BadRequestError);
  });
});
