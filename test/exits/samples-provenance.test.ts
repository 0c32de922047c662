import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { describeProvenance, readSamplesProvenance, samplesMismatch } from '../../src/exits/samples-provenance.js';

const plan = { data: 'mnist', split: 'test', from: 0, count: 40 };

describe('the provenance of exit samples', () => {
  it('the same images in the same order, raw pixels either way, match; anything else says what differs', () => {
    assert.equal(samplesMismatch(plan, plan), undefined);
    // An empty normalisation is raw pixels, as is none.
    assert.equal(samplesMismatch(plan, { ...plan, normalisation: { mean: [], std: [] } }), undefined);
    assert.match(samplesMismatch(undefined, plan) ?? '', /do not say which images.*"provenance"/);
    assert.equal(samplesMismatch({ ...plan, from: 5000 }, plan), 'the exit statistics are of mnist test images [5000, 5040), the plan measures mnist test images [0, 40)');
    assert.match(samplesMismatch({ ...plan, count: 39 }, plan) ?? '', /\[0, 39\)/);
    assert.match(samplesMismatch({ ...plan, data: 'fashion-mnist' }, plan) ?? '', /fashion-mnist test images/);
    assert.match(samplesMismatch({ ...plan, split: 'train' }, plan) ?? '', /mnist train images/);
    assert.match(samplesMismatch(plan, { ...plan, normalisation: { mean: [0.5], std: [0.25] } }) ?? '', /plan measures mnist test images \[0, 40\) normalised with mean 0\.5 std 0\.25$/);
    assert.equal(describeProvenance({ ...plan, from: 3 }), 'mnist test images [3, 43)');
  });

  it('read from JSON: checked, errors name the field', () => {
    assert.deepEqual(readSamplesProvenance({ ...plan, normalisation: { mean: [0.1], std: [0.3] } }, 'provenance'), { ...plan, normalisation: { mean: [0.1], std: [0.3] } });
    const fails = (v: unknown, re: RegExp) => assert.throws(() => readSamplesProvenance(v, 'provenance'), (e: unknown) => e instanceof BadRequestError && re.test(e.message), re.source);
    fails({ ...plan, from: -1 }, /provenance\.from: must be a finite number >= 0/);
    fails({ ...plan, count: 1.5 }, /provenance\.count: must be an integer/);
    fails({ ...plan, count: 0 }, /provenance\.count: must be a finite number >= 1/);
    fails({ data: 'mnist', split: 'test', from: 0 }, /provenance\.count: is missing/);
    fails({ ...plan, images: 3 }, /provenance\.images: unknown field/);
    fails({ ...plan, normalisation: { mean: ['a'], std: [] } }, /provenance\.normalisation\.mean\[0\]: must be a finite number/);
  });
});
