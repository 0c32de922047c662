import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readExitSamples } from '../../src/exits/exit-samples.js';
import { sliceImages } from '../../src/data/image-dataset.js';
import { heldOutPart } from '../../src/exits/held-out.js';
import { checkTaus, entropies, exitAccuracies, policyConfidences, sampleMatrix, samplesJson, tauOf, tauTable, thresholdOf } from '../../src/exits/policy.js';
import { Random } from '../../src/graph/random.js';
import type { ImageDataset } from '../../src/data/image-dataset.js';
import type { LogitSet } from '../../src/exits/calibration.js';

function randomSet(rng: Random, n: number, classes: number, labels: Uint8Array): LogitSet {
  return { logits: Float32Array.from({ length: n * classes }, () => 3 * rng.normal()), labels, classes };
}

describe('exit policies', () => {
  it('entropy: log S - sum e^d d / S equals -sum p log p; max softmax as softmaxConfidences', () => {
    const rng = new Random(2);
    const labels = Uint8Array.from({ length: 50 }, (_, i) => i % 4);
    const set = randomSet(rng, 50, 4, labels);
    const h = entropies(set);
    const ms = policyConfidences(set, 'max-softmax');
    const en = policyConfidences(set, 'entropy');
    for (let i = 0; i < 50; i++) {
      const z = Array.from(set.logits).slice(4 * i, 4 * i + 4);
      const e = z.map((v) => Math.exp(v));
      const s = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / s);
      assert.ok(Math.abs(h[i]! + p.reduce((a, q) => a + q * Math.log(q), 0)) < 1e-9);
      assert.equal(en.confidence[i], -h[i]!);
      assert.ok(Math.abs(ms.confidence[i]! - Math.max(...p)) < 1e-9);
      assert.equal(ms.correct[i], en.correct[i]);
    }
    assert.equal(thresholdOf('entropy', 0.3), -0.3);
    assert.equal(tauOf('entropy', thresholdOf('entropy', 0.3)), 0.3);
    assert.equal(thresholdOf('max-softmax', 0.8), 0.8);
    assert.throws(() => checkTaus('max-softmax', [0.5, 1.2]), /probability in \[0, 1\], got 1.2/);
    assert.doesNotThrow(() => checkTaus('entropy', [0.5, 1.2]));
  });

  it('tauTable equals a per-sample walk of the policy written out here', () => {
    const rng = new Random(9);
    const n = 400;
    const labels = Uint8Array.from({ length: n }, () => Math.floor(rng.next() * 5));
    const exits = [randomSet(rng, n, 5, labels), randomSet(rng, n, 5, labels), randomSet(rng, n, 5, labels)];
    const main = randomSet(rng, n, 5, labels);
    for (const policy of ['max-softmax', 'entropy'] as const) {
      const matrix = sampleMatrix(exits, main, policy);
      const taus = policy === 'entropy' ? [0.2, 0.6, 1.2] : [0.4, 0.7, 0.95];
      const rows = tauTable(matrix, policy, taus);
      const conf = exits.map((s) => policyConfidences(s, policy));
      const mainRight = policyConfidences(main, policy).correct;
      taus.forEach((tau, r) => {
        const reached = [0, 0, 0];
        const left = [0, 0, 0];
        const leftRight = [0, 0, 0];
        let right = 0;
        let mainCount = 0;
        for (let i = 0; i < n; i++) {
          let j = 0;
          for (; j < 3; j++) {
            reached[j]!++; // j < 3, the length of the per-exit arrays
            const c = conf[j]!;
            const sure = policy === 'entropy' ? -c.confidence[i]! <= tau : c.confidence[i]! >= tau;
            if (sure) {
              left[j]!++;
              leftRight[j]! += c.correct[i]!;
              right += c.correct[i]!;
              break;
            }
          }
          if (j === 3) {
            mainCount++;
            right += mainRight[i]!;
          }
        }
        const row = rows[r];
        assert.ok(row);
        assert.equal(row.accuracy, right / n);
        assert.equal(row.mainFraction, mainCount / n);
        row.exits.forEach((e, j) => {
          assert.equal(e.reached, reached[j]);
          assert.equal(e.left, left[j]);
          assert.equal(e.exitFraction, reached[j] ? left[j]! / (reached[j] as number) : null);
          assert.equal(e.accuracyLeaving, left[j] ? leftRight[j]! / (left[j] as number) : null);
        });
      });
      const acc = exitAccuracies(matrix);
      assert.equal(acc.exits[1], conf[1]?.correct.reduce((s, v) => s + v, 0)! / n);
      // The JSON form reads back as the same matrix.
      const back = readExitSamples(JSON.parse(JSON.stringify(samplesJson(matrix))), 'samples', [0, 1, 2]);
      assert.deepEqual(back, matrix);
    }
  });

  it('held-out halves: disjoint, together the whole set, the first N of each with a limit', () => {
    const ds: ImageDataset = { name: 'd', images: Uint8Array.from({ length: 11 * 4 }, (_, i) => i), labels: Uint8Array.from({ length: 11 }, (_, i) => i % 3), count: 11, channels: 1, height: 2, width: 2, classes: 3, classNames: ['a', 'b', 'c'] };
    const [cal, ev] = [heldOutPart(ds, 'calibration'), heldOutPart(ds, 'evaluation')];
    assert.equal(cal.count + ev.count, 11);
    assert.deepEqual([...cal.labels, ...ev.labels], [...ds.labels]);
    assert.deepEqual([...cal.images, ...ev.images], [...ds.images]);
    assert.equal(heldOutPart(ds, 'evaluation', 2).count, 2);
    assert.equal(heldOutPart(ds, 'evaluation', 2).images[0], 5 * 4);
    assert.equal(sliceImages(ds, 10, 5).count, 1);
    assert.throws(() => heldOutPart({ ...ds, count: 1 }, 'calibration'), /at least one each/);
  });
});
