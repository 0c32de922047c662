import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideExit, exitConfidence, exitIndexOf } from '../../src/edge/exit-decision.js';
import type { EdgeTensor } from '../../src/edge/runtime.js';
import { BadRequestError } from '../../src/errors.js';

const logits = (rows: readonly (readonly number[])[]): EdgeTensor => ({ dtype: 'float32', dims: [rows.length, rows[0]?.length ?? 0], data: Float32Array.from(rows.flat()) });

/** Exit logits [g, 0 x 9]: max softmax e^g / (e^g + 9), by hand. */
const gap = (g: number): EdgeTensor => logits([[g, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
const conf = (g: number) => Math.exp(g) / (Math.exp(g) + 9);

describe('exit decision', () => {
  it('exitConfidence: max softmax and entropy (nats) against the closed form', () => {
    // softmax([0, ln 3]) = [1/4, 3/4]: max 3/4, entropy -(1/4 ln 1/4 + 3/4 ln 3/4).
    const t = logits([[0, Math.log(3)], [5, 5]]);
    const [p0, p1] = exitConfidence(t, 'max-softmax');
    assert.ok(Math.abs(p0! - 0.75) < 1e-7);
    assert.ok(Math.abs(p1! - 0.5) < 1e-12);
    const [h0, h1] = exitConfidence(t, 'entropy');
    assert.ok(Math.abs(h0! - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-7);
    assert.ok(Math.abs(h1! - Math.log(2)) < 1e-12);
    // Large logits do not overflow: e^{1000} never appears.
    assert.deepEqual(exitConfidence(logits([[1000, 0, 0]]), 'max-softmax'), [1]);
    assert.ok(exitConfidence(logits([[1000, 0, 0]]), 'entropy')[0]! < 1e-300);
  });

  it('the first confident exit in depth order answers, labelled by its exit_<k>_logits name', () => {
    const rules = [{ output: 'exit_0_logits', threshold: 0.9 }, { output: 'exit_1_logits', threshold: 0.9 }];
    const none = decideExit({ exit_0_logits: gap(1), exit_1_logits: gap(2) }, rules, 'max-softmax');
    assert.equal(none, undefined);
    const second = decideExit({ exit_0_logits: gap(1), exit_1_logits: gap(6) }, rules, 'max-softmax');
    assert.equal(second?.index, 1);
    assert.equal(second?.output, 'exit_1_logits');
    assert.ok(Math.abs(second?.confidence[0]! - conf(6)) < 1e-7);
    const both = decideExit({ exit_0_logits: gap(6), exit_1_logits: gap(8) }, rules, 'max-softmax');
    assert.equal(both?.index, 0, 'the shallower exit answers first');
    // At the threshold exactly: max softmax >= tau exits.
    const at = decideExit({ e: gap(2) }, [{ output: 'e', threshold: exitConfidence(gap(2), 'max-softmax')[0]! }], 'max-softmax');
    assert.equal(at?.index, 0, 'a name without k takes the rule\'s position');
  });

  it('entropy <= tau exits; NaN logits never do', () => {
    const h = (g: number) => exitConfidence(gap(g), 'entropy')[0]!;
    const rule = [{ output: 'exit_2_logits', threshold: h(4) }];
    assert.equal(decideExit({ exit_2_logits: gap(5) }, rule, 'entropy')?.index, 2);
    assert.equal(decideExit({ exit_2_logits: gap(3) }, rule, 'entropy'), undefined);
    const nan = logits([[Number.NaN, 0, 0]]);
    assert.equal(decideExit({ exit_2_logits: nan }, [{ output: 'exit_2_logits', threshold: 0 }], 'max-softmax'), undefined);
    assert.equal(decideExit({ exit_2_logits: nan }, [{ output: 'exit_2_logits', threshold: 100 }], 'entropy'), undefined);
  });

  it('a batch exits only when every row is confident', () => {
    const rules = [{ output: 'exit_0_logits', threshold: 0.9 }];
    const mixed = logits([[6, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]]);
    assert.equal(decideExit({ exit_0_logits: mixed }, rules, 'max-softmax'), undefined);
    const sure = logits([[6, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 7, 0, 0, 0, 0, 0, 0, 0, 0]]);
    assert.equal(decideExit({ exit_0_logits: sure }, rules, 'max-softmax')?.confidence.length, 2);
  });

  it('per-call thresholds override by output; null turns an exit off; bad ones are refused', () => {
    const rules = [{ output: 'exit_0_logits', threshold: 0.99 }, { output: 'exit_1_logits', threshold: 0.99 }];
    const out = { exit_0_logits: gap(4), exit_1_logits: gap(6) };
    assert.equal(decideExit(out, rules, 'max-softmax'), undefined);
    assert.equal(decideExit(out, rules, 'max-softmax', { exit_0_logits: 0.5 })?.index, 0);
    assert.equal(decideExit(out, rules, 'max-softmax', { exit_0_logits: null, exit_1_logits: 0.9 })?.index, 1);
    assert.throws(() => decideExit(out, rules, 'max-softmax', { exit_0_logits: 1.5 }), BadRequestError);
    assert.throws(() => decideExit({}, rules, 'max-softmax'), /no exit output "exit_0_logits"/);
  });

  it('exitIndexOf reads k from exit_<k>_logits only', () => {
    assert.equal(exitIndexOf('exit_12_logits'), 12);
    assert.equal(exitIndexOf('exit_logits'), undefined);
    assert.equal(exitIndexOf('exit_1_probabilities'), undefined);
  });
});
