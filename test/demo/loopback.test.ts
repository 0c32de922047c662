import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLoopbackReport, runLoopbackDemo, runLoopbackDemoOnDataset } from '../../src/demo/loopback.js';
import { buildModel } from '../../src/models/catalogue.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { splitNet } from '../../test-support/serve/split-net.js';

describe('loopback demo', () => {
  it('on real MNIST test images the raw codec gives exactly the whole model accuracy, and lossy codecs report their change', async () => {
    const ds = loadDataset('mnist', 'test', { limit: 120 });
    const batch = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
    const report = await runLoopbackDemo({
      head: splitNet('head'), tail: splitNet('tail'), full: splitNet('full'),
      images: batch.x, labels: batch.labels, count: ds.count,
      codecs: [{ name: 'fp32' }, { name: 'int8', deflate: true }],
    });
    assert.equal(report.count, 120);
    const [raw, int8] = report.results;
    assert.ok(raw && int8 && report.fullAccuracy !== null);
    assert.equal(raw.codec, 'fp32');
    assert.equal(raw.accuracy, report.fullAccuracy);
    assert.equal(raw.agreement, 1);
    assert.deepEqual(raw.origins, { server: 120 });
    assert.equal(raw.cutBytes, 8 * 14 * 14 * 4);
    assert.equal(int8.codec, 'int8+deflate');
    assert.ok(int8.cutBytes < 8 * 14 * 14, `${int8.cutBytes}`);
    assert.ok((int8.agreement as number) >= 0.9);
    assert.match(formatLoopbackReport(report), /int8\+deflate/);
    // The stream transport carries the same requests: the same answers.
    const streamed = await runLoopbackDemo({
      head: splitNet('head'), tail: splitNet('tail'), full: splitNet('full'),
      images: batch.x, labels: batch.labels, count: ds.count, codecs: [{ name: 'fp32' }], transport: 'stream',
    });
    assert.match(streamed.url, /^tcp:\/\//);
    assert.equal(streamed.results[0]?.agreement, 1);
    assert.deepEqual(streamed.results[0]?.origins, { server: 120 });
    assert.match(formatLoopbackReport(streamed), /-> stream tcp:/);
  });

  it('serves a tail made by cleave cut (LeNet cut at pool1): raw answers equal the whole model on every image', async () => {
    const model = buildModel('lenet', { seed: 3 });
    const report = await runLoopbackDemoOnDataset({ model, at: ['pool1'], dataset: 'mnist', count: 50, codecs: [{ name: 'fp32' }] });
    assert.deepEqual(report.cutAt, ['pool1']);
    assert.equal(report.count, 50);
    assert.equal(report.results[0]?.agreement, 1);
    assert.equal(report.results[0]?.accuracy, report.fullAccuracy);
    assert.equal(report.results[0]?.cutBytes, report.cutBytes);
    assert.equal(report.cutBytes, 6 * 14 * 14 * 4);
  });
});
