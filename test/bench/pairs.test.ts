import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOADED_ABOVE, alternate, formatRatio, loadRecord, pairRatios, spread } from '../../bench/common/pairs.js';
import { findPython, notInstalled } from '../../bench/common/reference.js';

describe('bench pairs', () => {
  it('spread gives the median, quartiles (linear, as NumPy) and range', () => {
    // Sorted 1, 2, 4, 8: positions 0.75, 1.5, 2.25 -> 1.75, 3, 5.
    assert.deepEqual(spread([8, 1, 4, 2]), { median: 3, q1: 1.75, q3: 5, min: 1, max: 8, n: 4 });
    assert.deepEqual(spread([5]), { median: 5, q1: 5, q3: 5, min: 5, max: 5, n: 1 });
  });

  it('alternates cleave and the reference and divides within each pair', () => {
    const order: string[] = [];
    const runs = alternate(3, (i) => { order.push(`c${i}`); return [10, 20, 30][i]!; }, (i) => { order.push(`r${i}`); return [5, 40, 10][i]!; });
    assert.deepEqual(order, ['c0', 'r0', 'c1', 'r1', 'c2', 'r2']);
    assert.equal(runs.load.samples.length, 4);
    // Ratios 2, 0.5, 3: the median of the ratios, not the ratio of the medians (20 / 10 = 2).
    const r = pairRatios(runs, (a) => a, (b) => b);
    assert.deepEqual([r.median, r.min, r.max, r.n], [2, 0.5, 3, 3]);
    assert.equal(formatRatio(r), '2.00x (0.50-3.00, 3 pairs)');
  });

  it('runs cleave alone when the reference is not installed', () => {
    const runs = alternate(2, (i) => i, undefined);
    assert.deepEqual([runs.cleave, runs.reference], [[0, 1], []]);
  });

  it('flags a run as loaded when the load average exceeded the threshold', () => {
    assert.equal(loadRecord([1.2, LOADED_ABOVE]).loaded, false);
    assert.equal(loadRecord([1.2, LOADED_ABOVE + 0.1, 1.9]).loaded, true);
    assert.equal(loadRecord([1, 3, 2]).median, 2);
  });

  it('finds no reference when no interpreter imports its modules, and says how to install it', () => {
    // No interpreter at all, and Python without the module: both read as "not installed".
    const saved = process.env.CLEAVE_BENCH_PYTHON;
    try {
      process.env.CLEAVE_BENCH_PYTHON = '/nonexistent/python3';
      assert.equal(findPython(['json']), undefined);
      process.env.CLEAVE_BENCH_PYTHON = 'python3';
      assert.equal(findPython(['cleave_no_such_module']), undefined);
    } finally {
      if (saved === undefined) delete process.env.CLEAVE_BENCH_PYTHON;
      else process.env.CLEAVE_BENCH_PYTHON = saved;
    }
    assert.match(notInstalled('PyTorch'), /^reference not installed \(PyTorch\): .*install-bench-references\.sh/);
  });
});
