import assert from 'node:assert/strict';
import type { OpCheck } from './op-check.js';

/** Every output ORT produced has the dtype and shape cleave's rule inferred. */
export function assertMatchesOrt(r: OpCheck): void {
  r.actual.forEach((a, i) => {
    assert.deepEqual(r.inferred[i]?.shape, a.dims, `output ${i}: inferred shape vs ORT`);
    assert.equal(r.inferred[i]?.dtype, a.dtype, `output ${i}: inferred dtype vs ORT`);
  });
}

/** The rule folded every output, and the folded values equal ORT's within a float32 tolerance. */
export function assertFoldedLikeOrt(r: OpCheck, rtol = 1e-5, atol = 1e-6): void {
  assertMatchesOrt(r);
  r.actual.forEach((a, i) => {
    const v = r.inferred[i]?.value;
    assert.ok(v, `output ${i} was not folded`);
    assert.equal(v.data.length, a.data.length);
    for (let k = 0; k < a.data.length; k++) {
      const want = Number(a.data[k]);
      const got = Number(v.data[k]);
      assert.ok(Math.abs(got - want) <= atol + rtol * Math.abs(want), `output ${i}[${k}]: folded ${got}, ORT ${want}`);
    }
  });
}
