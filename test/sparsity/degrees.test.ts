import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { chooseDegrees, DensityError, formatDensity, workableDensities } from '../../src/sparsity/degrees.js';

/** Brute force: densities fo/n with fo in 1..n and n | p·fo. */
function bruteForce(p: number, n: number): number[] {
  const out: number[] = [];
  for (let fo = 1; fo <= n; fo++) if ((p * fo) % n === 0) out.push(fo / n);
  return out;
}

describe('workableDensities', () => {
  it('equals the brute-force list of fo/n with n dividing p·fo', () => {
    for (const p of [1, 3, 4, 9, 12, 27, 64, 144, 800]) {
      for (const n of [1, 2, 8, 10, 32, 40, 48]) {
        const got = workableDensities(p, n);
        const want = bruteForce(p, n);
        assert.equal(got.length, want.length, `p=${p} n=${n}`);
        got.forEach((d, i) => assert.ok(Math.abs(d - want[i]!) < 1e-12, `p=${p} n=${n}: ${d} vs ${want[i]}`));
      }
    }
  });

  it('a first conv with 1 or 3 input channels and 32 outputs can only be dense', () => {
    assert.deepEqual(workableDensities(1, 32), [1]);
    assert.deepEqual(workableDensities(3, 32), [1]);
  });

  it('structured: 1/G for G dividing gcd(n, p)', () => {
    assert.deepEqual(workableDensities(32, 64, true), [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1]);
    assert.deepEqual(workableDensities(12, 18, true), [1 / 6, 1 / 3, 1 / 2, 1]);
  });
});

describe('chooseDegrees', () => {
  it('takes the asked density when workable, with fi = p·fo/n', () => {
    const d = chooseDegrees({ node: 'fc1', inputsWhat: 'inputs', inputs: 800, outputs: 40, density: 2 / 40 });
    assert.deepEqual([d.fo, d.fi, d.density], [2, 40, 0.05]);
  });

  it('takes the nearest workable density otherwise (ties to the denser)', () => {
    // gcd(12, 8) = 4: densities 1/4, 1/2, 3/4, 1.
    assert.equal(chooseDegrees({ node: 'x', inputsWhat: 'inputs', inputs: 8, outputs: 12, density: 0.3 }).density, 0.25);
    assert.equal(chooseDegrees({ node: 'x', inputsWhat: 'inputs', inputs: 8, outputs: 12, density: 0.375 }).density, 0.5);
    assert.equal(chooseDegrees({ node: 'x', inputsWhat: 'inputs', inputs: 3, outputs: 32, density: 0.25 }).density, 1);
  });

  it('exact: refuses with the layer and the workable densities', () => {
    assert.throws(
      () => chooseDegrees({ node: 'conv1', inputsWhat: 'input channels', inputs: 6, outputs: 16, density: 0.25, exact: true }),
      (e: unknown) => e instanceof DensityError && e.node === 'conv1' && e.workable.join() === '0.5,1'
        && /layer "conv1"/.test(e.message) && /workable densities are 1\/2, 1/.test(e.message) && e.code === 'BAD_REQUEST',
    );
    assert.throws(
      () => chooseDegrees({ node: 'c', inputsWhat: 'input channels', inputs: 32, outputs: 48, density: 0.3, exact: true, structured: true }),
      (e: unknown) => e instanceof DensityError && /1\/16, 1\/8, 1\/4, 1\/2, 1/.test(e.message),
    );
  });

  it('refuses densities outside (0, 1]', () => {
    for (const density of [0, -0.5, 1.5, Number.NaN]) {
      assert.throws(() => chooseDegrees({ node: 'x', inputsWhat: 'inputs', inputs: 8, outputs: 8, density }), BadRequestError);
    }
  });

  it('formatDensity writes short fractions', () => {
    assert.deepEqual([1, 0.5, 0.125, 9 / 40, 2 / 3].map(formatDensity), ['1', '1/2', '1/8', '9/40', '2/3']);
  });
});
