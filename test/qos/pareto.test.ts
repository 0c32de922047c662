import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../src/graph/random.js';
import { dominates, type ObjectiveMatrix, paretoFront } from '../../src/qos/pareto.js';

/** The front by definition: every point no other point dominates, O(n^2). */
function bruteForce(m: ObjectiveMatrix): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.n; i++) {
    let dominated = false;
    for (let j = 0; j < m.n && !dominated; j++) {
      if (j === i) continue;
      let le = true;
      let lt = false;
      for (let q = 0; q < m.k; q++) {
        const a = m.values[j * m.k + q]!;
        const b = m.values[i * m.k + q]!;
        if (a > b) le = false;
        if (a < b) lt = true;
      }
      dominated = le && lt;
    }
    if (!dominated) out.push(i);
  }
  return out;
}

/** Random objective sets: continuous values, few distinct levels (many ties), duplicates and Infinity. */
function randomMatrix(rng: Random, n: number, k: number, style: number): ObjectiveMatrix {
  const values = new Float64Array(n * k);
  for (let i = 0; i < values.length; i++) {
    const u = rng.next();
    values[i] = style === 0 ? u : style === 1 ? Math.floor(u * 4) : style === 2 ? (u < 0.1 ? Infinity : Math.floor(u * 10)) : -Math.floor(u * 3);
  }
  if (n > 2 && style === 1) values.copyWithin(k, 0, k); // an exact duplicate of point 0
  return { values, n, k };
}

describe('paretoFront', () => {
  it('equals the O(n^2) definition on thousands of random objective sets, k = 1..6', () => {
    const rng = new Random(17);
    let sets = 0;
    for (let k = 1; k <= 6; k++) {
      for (let t = 0; t < 400; t++) {
        const n = 1 + Math.floor(rng.next() * (t % 10 === 0 ? 300 : 40));
        const m = randomMatrix(rng, n, k, t % 4);
        assert.deepEqual([...paretoFront(m)], bruteForce(m), `k=${k} n=${n} style=${t % 4}`);
        sets++;
      }
    }
    assert.equal(sets, 2400);
  });

  it('keeps equal points, drops a point beaten in one objective and tied in the rest', () => {
    // 0 and 1 equal; 2 ties 0 on x, worse on y; 3 better in x, worse in y; 4 dominated by 3.
    const m = { values: Float64Array.from([1, 1, 1, 1, 1, 2, 0, 3, 0, 4]), n: 5, k: 2 };
    assert.deepEqual([...paretoFront(m)], [0, 1, 3]);
    assert.equal(dominates(m, 0, 2), true);
    assert.equal(dominates(m, 0, 1), false);
    assert.equal(dominates(m, 3, 4), true);
    const three = { values: Float64Array.from([0, 0, 1, 0, 1, 0, 0, 0, 0, Infinity, -1, -1]), n: 4, k: 3 };
    assert.deepEqual([...paretoFront(three)], [2, 3]);
  });

  it('refuses NaN and a malformed matrix', () => {
    assert.throws(() => paretoFront({ values: Float64Array.from([1, Number.NaN]), n: 1, k: 2 }), /objective 1 of point 0 is NaN/);
    assert.throws(() => paretoFront({ values: new Float64Array(5), n: 2, k: 2 }), /5 values do not hold 2 points of 2 objectives/);
    assert.deepEqual([...paretoFront({ values: new Float64Array(0), n: 0, k: 3 })], []);
  });
});
