import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageRanks, localMaxima, pearson, spearman } from '../../src/interpret/isplit-stats.js';

describe('averageRanks', () => {
  it('ranks descending by default and shares ranks between ties', () => {
    assert.deepEqual(averageRanks([0.1, 0.5, 0.3]), [3, 1, 2]);
    assert.deepEqual(averageRanks([2, 2, 1]), [1.5, 1.5, 3]);
    assert.deepEqual(averageRanks([10, 30, 20], false), [1, 3, 2]);
  });
});

describe('spearman', () => {
  it('is 1 for the same order, -1 for the reverse, and handles ties', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 35, 100]), 1);
    assert.equal(spearman([1, 2, 3, 4], [9, 7, 5, 1]), -1);
    // Ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): Pearson = 4.5 / sqrt(4.5 * 5).
    assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 4.5 / Math.sqrt(4.5 * 5)) < 1e-12);
  });

  it('is NaN when a series is constant, and refuses different lengths', () => {
    assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
    assert.throws(() => pearson([1, 2], [1, 2, 3]), /different lengths/);
  });
});

describe('localMaxima', () => {
  it('finds interior and end maxima', () => {
    assert.deepEqual(localMaxima([1, 3, 2, 5]), [1, 3]);
    assert.deepEqual(localMaxima([5, 1, 2]), [0, 2]);
  });

  it('reports a plateau once, at its first index, and ignores -inf', () => {
    assert.deepEqual(localMaxima([1, 4, 4, 2]), [1]);
    assert.deepEqual(localMaxima([1, 4, 4, 6]), [3]);
    assert.deepEqual(localMaxima([Number.NEGATIVE_INFINITY, -3, -5]), [1]);
    assert.deepEqual(localMaxima([2, 2, 2]), [0]);
  });
});
