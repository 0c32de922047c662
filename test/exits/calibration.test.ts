import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { fitTemperature, fitTemperatures, MAX_TEMPERATURE, meanNll, MIN_TEMPERATURE } from '../../src/exits/calibration.js';
import { referenceNll, syntheticLogits } from '../../test-support/exits/synthetic-logits.js';

describe('fitTemperature', () => {
  for (const t0 of [0.4, 0.7, 1.5, 2.5, 4]) {
    it(`recovers T0 = ${t0} within 5% from logits z T0 with labels drawn from softmax(z)`, () => {
      const fit = fitTemperature(syntheticLogits(Math.round(t0 * 10), 20_000, 10, 2, t0));
      assert.ok(Math.abs(fit.temperature / t0 - 1) < 0.05, `T = ${fit.temperature}`);
      assert.equal(fit.atBound, false);
      assert.ok(fit.nllAfter <= fit.nllBefore);
    });
  }

  it('the fit is the minimum: no T on a fine grid over [0.01, 100] gives a lower NLL (reference NLL)', () => {
    for (const [seed, t0, scale] of [[1, 3, 1], [2, 0.5, 3], [3, 1, 0.5]] as const) {
      const set = syntheticLogits(seed, 600, 5, scale, t0);
      const fit = fitTemperature(set);
      const atFit = referenceNll(set, fit.temperature);
      assert.ok(Math.abs(atFit - fit.nllAfter) < 1e-12 * Math.max(1, atFit));
      assert.ok(Math.abs(referenceNll(set, 1) - fit.nllBefore) < 1e-12 * Math.max(1, fit.nllBefore));
      for (let k = 0; k <= 400; k++) {
        const t = MIN_TEMPERATURE * (MAX_TEMPERATURE / MIN_TEMPERATURE) ** (k / 400);
        assert.ok(atFit <= referenceNll(set, t) + 1e-12, `T = ${t} beats the fit ${fit.temperature}`);
      }
    }
  });

  it('T stays positive: confidently wrong logits push it to the upper bound, confidently right ones down until the NLL is 0', () => {
    const wrong = { logits: [5, 0, 0, 0, 6, 0], labels: [1, 2], classes: 3 };
    const up = fitTemperature(wrong);
    assert.ok(up.atBound && Math.abs(up.temperature - MAX_TEMPERATURE) < 1e-3 * MAX_TEMPERATURE);
    const right = { logits: [5, 0, 0, 0, 6, 0], labels: [0, 1], classes: 3 };
    const down = fitTemperature(right);
    // The NLL falls towards 0 as T -> 0 and reaches 0 in float64 near T = 0.135 (e^-37 under 1e-16).
    assert.ok(down.temperature >= MIN_TEMPERATURE && down.temperature < 0.2, `T = ${down.temperature}`);
    assert.equal(down.nllAfter, 0);
  });

  it('one global T over several exits, and one per exit', () => {
    const a = syntheticLogits(11, 10_000, 10, 2, 2);
    const b = syntheticLogits(12, 10_000, 10, 2, 2);
    const c = syntheticLogits(13, 10_000, 10, 2, 3.5);
    const same = fitTemperature([a, b]);
    assert.ok(Math.abs(same.temperature / 2 - 1) < 0.05);
    const fits = fitTemperatures({ exit_0_logits: a, exit_1_logits: c });
    assert.ok(Math.abs(fits.perExit.exit_0_logits?.temperature! / 2 - 1) < 0.05);
    assert.ok(Math.abs(fits.perExit.exit_1_logits?.temperature! / 3.5 - 1) < 0.05);
    assert.ok(fits.global.temperature > 2 && fits.global.temperature < 3.5);
    // The global T minimises the summed NLL: the mean over both sets.
    const both = (t: number) => (meanNll(a, t) + meanNll(c, t)) / 2;
    assert.ok(both(fits.global.temperature) <= Math.min(both(fits.global.temperature * 1.01), both(fits.global.temperature / 1.01)));
  });

  it('refuses labels outside the classes, a size mismatch, non-finite logits, no samples', () => {
    const bad = (set: { logits: number[]; labels: number[]; classes: number }, message: RegExp) =>
      assert.throws(() => fitTemperature(set), (e: unknown) => e instanceof BadRequestError && message.test(e.message));
    bad({ logits: [1, 2], labels: [2], classes: 2 }, /label 0 is 2/);
    bad({ logits: [1, 2, 3], labels: [0], classes: 2 }, /3 logits for 1 labels x 2 classes/);
    bad({ logits: [1, Number.NaN], labels: [0], classes: 2 }, /logit 1 is NaN/);
    bad({ logits: [], labels: [], classes: 2 }, /no samples/);
  });
});
