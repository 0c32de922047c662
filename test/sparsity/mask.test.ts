import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { Random } from '../../src/graph/random.js';
import { drawMask, layerRandom, maskSums } from '../../src/sparsity/mask.js';
import { drawStructuredMask } from '../../src/sparsity/structured.js';

/** Every 0/1 matrix of `rows` x `cols` with all row sums `r` and column sums `c`, as bit strings. */
function enumerate(rows: number, cols: number, r: number, c: number): Set<string> {
  const out = new Set<string>();
  const total = rows * cols;
  for (let m = 0; m < 2 ** total; m++) {
    const bits = Array.from({ length: total }, (_, i) => (m >> i) & 1);
    const rowOk = Array.from({ length: rows }, (_, o) => bits.slice(o * cols, (o + 1) * cols).reduce((a, b) => a + b, 0) === r).every(Boolean);
    const colOk = Array.from({ length: cols }, (_, j) => bits.filter((_, i) => i % cols === j).reduce((a, b) => a + b, 0) === c).every(Boolean);
    if (rowOk && colOk) out.add(bits.join(''));
  }
  return out;
}

describe('drawMask', () => {
  it('every output reads exactly fi inputs and every input feeds exactly fo outputs, for many (p, n, fo) and seeds', () => {
    let checked = 0;
    for (const [p, n] of [[1, 1], [3, 6], [4, 8], [8, 4], [6, 9], [16, 16], [27, 12], [40, 10], [50, 100], [800, 40], [144, 24]] as const) {
      for (let fo = 1; fo <= n; fo++) {
        if ((p * fo) % n !== 0) continue;
        for (let seed = 0; seed < 4; seed++) {
          const m = drawMask(p, n, fo, new Random(seed));
          const fi = (p * fo) / n;
          const { rows, columns } = maskSums(m);
          assert.ok(rows.every((s) => s === fi), `p=${p} n=${n} fo=${fo} seed=${seed}: a row sum is not ${fi}`);
          assert.ok(columns.every((s) => s === fo), `p=${p} n=${n} fo=${fo} seed=${seed}: a column sum is not ${fo}`);
          assert.equal(m.fi, fi);
          assert.equal(m.density, fo / n);
          checked++;
        }
      }
    }
    assert.ok(checked > 300, `${checked} masks checked`);
  });

  it('Dey\'s MLP junctions (800-40-40-10, fo = 2, 9, 10) keep 2,360 of 34,000 weights', () => {
    const kept = [[800, 40, 2], [40, 40, 9], [40, 10, 10]].reduce((s, [p, n, fo]) => s + drawMask(p!, n!, fo!, new Random(1)).keep.reduce((a, b) => a + b, 0), 0);
    assert.equal(kept, 2360);
  });

  it('same seed, same mask; another seed, another mask', () => {
    const a = drawMask(64, 32, 8, new Random(11));
    const b = drawMask(64, 32, 8, new Random(11));
    const c = drawMask(64, 32, 8, new Random(12));
    assert.deepEqual(a.keep, b.keep);
    assert.notDeepEqual(a.keep, c.keep);
  });

  it('draws every valid 4x4 mask with row and column sums 2 about equally often (all 90 of them)', () => {
    const all = enumerate(4, 4, 2, 2);
    assert.equal(all.size, 90);
    const counts = new Map<string, number>();
    const draws = 9000;
    for (let seed = 0; seed < draws; seed++) {
      const key = Array.from(drawMask(4, 4, 2, new Random(seed)).keep).join('');
      assert.ok(all.has(key), `seed ${seed} drew an invalid mask`);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 90, 'some valid masks are never drawn');
    // Chi-square with 89 degrees of freedom: mean 89, sd 13.3; 160 is ~5 sd out.
    const expected = draws / 90;
    const chi2 = [...counts.values()].reduce((s, k) => s + (k - expected) ** 2 / expected, 0);
    assert.ok(chi2 < 160, `chi-square ${chi2.toFixed(1)} over 90 masks`);
  });

  it('without swaps (relabelled circulant only) the draw is far from uniform: the swaps do the mixing', () => {
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 9000; seed++) {
      const key = Array.from(drawMask(4, 4, 2, new Random(seed), 0).keep).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const expected = 100;
    const chi2 = [...counts.values()].reduce((s, k) => s + (k - expected) ** 2 / expected, 0) + (90 - counts.size) * expected;
    assert.ok(chi2 > 400, `chi-square ${chi2.toFixed(1)}`);
  });

  it('refuses degrees no mask has', () => {
    assert.throws(() => drawMask(3, 32, 8, new Random(1)), BadRequestError); // 3·8 not divisible by 32
    assert.throws(() => drawMask(8, 4, 5, new Random(1)), BadRequestError); // fo > n
    assert.throws(() => drawMask(8, 4, 0, new Random(1)), BadRequestError);
    assert.throws(() => drawMask(0, 4, 1, new Random(1)), BadRequestError);
  });

  it('layerRandom: a layer\'s stream depends on the seed and its own name only', () => {
    assert.equal(layerRandom(3, 'conv1').next(), layerRandom(3, 'conv1').next());
    assert.notEqual(layerRandom(3, 'conv1').next(), layerRandom(3, 'conv2').next());
    assert.notEqual(layerRandom(3, 'conv1').next(), layerRandom(4, 'conv1').next());
  });
});

describe('drawStructuredMask', () => {
  it('block-diagonal after a permutation: the same degrees, density 1/G', () => {
    for (const [p, n, g] of [[8, 16, 2], [12, 12, 4], [32, 64, 8], [6, 3, 3]] as const) {
      const m = drawStructuredMask(p, n, g, new Random(p + n));
      const { rows, columns } = maskSums(m);
      assert.ok(rows.every((s) => s === p / g), `p=${p} n=${n} G=${g}: rows`);
      assert.ok(columns.every((s) => s === n / g), `p=${p} n=${n} G=${g}: columns`);
      assert.deepEqual([...m.order].sort((a, b) => a - b), Array.from({ length: p }, (_, i) => i));
    }
  });

  it('refuses groups that do not divide both sides', () => {
    assert.throws(() => drawStructuredMask(6, 8, 4, new Random(1)), BadRequestError);
  });
});
