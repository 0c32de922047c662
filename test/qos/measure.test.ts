import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodecSpec } from '../../src/compress/codec.js';
import { runLoopbackDemoOnDataset } from '../../src/demo/loopback.js';
import { loadDataset } from '../../src/data/datasets.js';
import { cutCandidates } from '../../src/qos/candidates.js';
import { measureAccuracy } from '../../src/qos/measure.js';
import { analyze } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Random } from '../../src/graph/random.js';
import { lenet } from '../../test-support/qos/specs.js';
import { residualNet } from '../../test-support/tiny-models.js';

describe('measureAccuracy', () => {
  it("equals what the edge client gets from cleave's server for the same cut, codec and images (head -> codec -> HTTP -> tail)", async () => {
    const { model, analysis } = lenet();
    const count = 120;
    const codecs: CodecSpec[] = [{ name: 'fp32' }, { name: 'int8' }, { name: 'int8-channel', deflate: true }];
    const cuts = cutCandidates(analysis).filter((c) => c.placement !== 'split' || c.tensors.join() === 'pool1' || c.tensors.join() === 'relu3');
    assert.deepEqual(cuts.map((c) => c.placement), ['remote', 'split', 'split', 'local']);
    const data = loadDataset('mnist', 'test', { limit: count });
    const measured = await measureAccuracy(model, analysis, cuts, codecs, data);
    assert.equal(measured.source, 'measured');
    assert.equal(measured.images, count);
    for (const at of ['pool1', 'relu3']) {
      const c = cuts.findIndex((x) => x.tensors.join() === at);
      const real = await runLoopbackDemoOnDataset({ model, at: [at], dataset: 'mnist', count, codecs });
      codecs.forEach((_, k) => {
        const r = real.results[k];
        assert.ok(r);
        assert.equal(measured.at[c * codecs.length + k], r.accuracy, `${at} ${r.codec}: accuracy`);
        assert.ok(Math.abs((measured.payloadBytes?.[c * codecs.length + k] ?? 0) - r.cutBytes) < 1e-9, `${at} ${r.codec}: bytes`);
      });
      // Local: the whole model, as the demo runs it directly in ORT.
      assert.equal(measured.base, real.fullAccuracy);
    }
    const local = cuts.length - 1;
    assert.equal(measured.at[local * codecs.length], measured.base);
    // Remote: the image through the codec; fp32 changes nothing.
    assert.equal(measured.at[0], measured.base);
    assert.ok((measured.correct?.[0]?.length ?? 0) === count);
    assert.ok(measured.base > 0.9, `LeNet on MNIST: ${measured.base}`);
  });

  it('multi-tensor cuts: every tensor through the codec; with fp32 every cut classifies exactly as the uncut model', async () => {
    const model = residualNet();
    const analysis = analyze(graphFromModel(model), { batch: 1, maxTensors: 2 });
    const cuts = cutCandidates(analysis);
    assert.ok(cuts.some((c) => c.tensors.length === 2));
    const rng = new Random(4);
    const count = 40;
    const data = {
      name: 'random', images: Uint8Array.from({ length: count * 3 * 64 }, () => Math.floor(rng.next() * 256)), labels: Uint8Array.from({ length: count }, () => (rng.next() < 0.5 ? 0 : 1)),
      count, channels: 3, height: 8, width: 8, classes: 2, classNames: ['a', 'b'],
    };
    const codecs: CodecSpec[] = [{ name: 'fp32' }, { name: 'int8' }];
    const m = await measureAccuracy(model, analysis, cuts, codecs, data);
    cuts.forEach((c, i) => {
      assert.equal(m.at[i * 2], m.base, `${c.tensors.join('+')} fp32`);
      assert.deepEqual([...(m.correct?.[i * 2] ?? [])], [...(m.correct?.[(cuts.length - 1) * 2] ?? [])], `${c.tensors.join('+')}: per image`);
      if (c.placement !== 'local') assert.equal(m.payloadBytes?.[i * 2 + 1], c.elements, `${c.tensors.join('+')}: int8 bytes`);
    });
  });
});
