import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitTemperature } from '../../src/exits/calibration.js';
import { expectedCalibrationError, reliabilityBins, softmaxConfidences } from '../../src/exits/reliability.js';
import { syntheticLogits } from '../../test-support/exits/synthetic-logits.js';

const ece = (set: Parameters<typeof softmaxConfidences>[0], t = 1) => expectedCalibrationError(reliabilityBins(softmaxConfidences(set, t)));

describe('reliability bins and ECE', () => {
  it('by hand: four samples in three of 15 bins', () => {
    const c = { confidence: Float64Array.from([0.05, 0.95, 0.97, 0.5]), correct: Uint8Array.from([0, 1, 0, 1]) };
    const bins = reliabilityBins(c);
    assert.equal(bins.length, 15);
    assert.deepEqual(bins.map((b) => b.count), [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2]);
    assert.equal(bins[14]?.accuracy, 0.5);
    assert.ok(Math.abs((bins[14]?.confidence as number) - 0.96) < 1e-12);
    // (1/4)|0 - 0.05| + (1/4)|1 - 0.5| + (2/4)|0.5 - 0.96|
    assert.ok(Math.abs(expectedCalibrationError(bins) - (0.0125 + 0.125 + 0.23)) < 1e-12);
  });

  it('bins are (b/15, (b+1)/15]: 1/15 is in the first, 0 too, 1 in the last', () => {
    const bins = reliabilityBins({ confidence: Float64Array.from([0, 1 / 15, 0.0667, 1]), correct: new Uint8Array(4) });
    assert.deepEqual(bins.map((b) => b.count).filter(Boolean), [2, 1, 1]);
    assert.equal(bins[0]?.count, 2);
    assert.equal(bins[1]?.count, 1);
    assert.equal(bins[14]?.count, 1);
  });

  it('softmaxConfidences: max of softmax(z / T) and argmax == label', () => {
    const set = { logits: [2, 1, 0, 0, 0, 3], labels: [0, 1], classes: 3 };
    const c = softmaxConfidences(set, 2);
    assert.ok(Math.abs(c.confidence[0]! - Math.exp(1) / (Math.exp(1) + Math.exp(0.5) + 1)) < 1e-12);
    assert.ok(Math.abs(c.confidence[1]! - Math.exp(1.5) / (Math.exp(1.5) + 2)) < 1e-12);
    assert.deepEqual([...c.correct], [1, 0]);
    assert.throws(() => softmaxConfidences(set, 0), /> 0/);
  });

  it('calibrated logits have a small ECE, overconfident ones a large one, and temperature scaling brings it down', () => {
    assert.ok(ece(syntheticLogits(21, 20_000, 10, 2)) < 0.015);
    const over = syntheticLogits(22, 20_000, 10, 2, 3);
    const before = ece(over);
    const t = fitTemperature(over).temperature;
    const after = ece(over, t);
    assert.ok(before > 0.1, `before ${before}`);
    assert.ok(after < 0.015, `after ${after}`);
  });
});
