import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { camLayers, saliencyCurve } from '../../src/report/saliency-curve.js';

const cuts = (scores: number[]) => scores.map((score, i) => ({ tensor: `t${i}`, score, bytes: 100 - i }));

describe('saliencyCurve', () => {
  it('log S per cut, the local maxima as candidates, the global maximum as the choice', () => {
    const c = saliencyCurve(cuts([1, 3, 2, 2, 5, 0]), 'hand', ['t2']);
    assert.deepEqual(c.points.map((p) => p.logScore), [0, Math.log(3), Math.log(2), Math.log(2), Math.log(5), null]);
    assert.deepEqual(c.points.map((p) => p.candidate), [false, true, false, false, true, false]);
    assert.deepEqual(c.points.map((p) => p.best), [false, false, false, false, true, false]);
    assert.deepEqual(c.points.map((p) => p.planCut), [false, false, true, false, false, false]);
    assert.equal(c.source, 'hand');
  });

  it('a plateau is one maximum at its first cut; a multi-tensor plan cut marks none', () => {
    const c = saliencyCurve(cuts([1, 4, 4, 2]), 's', ['t1', 't2']);
    assert.deepEqual(c.points.map((p) => p.candidate), [false, true, false, false]);
    assert.ok(c.points.every((p) => !p.planCut));
  });
});

describe('camLayers', () => {
  const curve = saliencyCurve(cuts([1, 3, 2, 2.5, 5, 0.5]), 's');
  it("the plan's cut, then I-SPLIT's choice, its candidates, then the rest by score; spatial only; at most max", () => {
    assert.deepEqual(camLayers(curve, ['t0'], () => true, 10), ['t0', 't4', 't1', 't3', 't2', 't5']);
    assert.deepEqual(camLayers(curve, [], (t) => t !== 't4', 3), ['t1', 't3', 't2']);
    assert.deepEqual(camLayers(curve, ['t0'], () => true, 0), []);
  });
});
