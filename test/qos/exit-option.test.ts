import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracyWithExits, predictAccuracy } from '../../src/qos/accuracy.js';
import { cutCandidates } from '../../src/qos/candidates.js';
import { evaluate, type ExitStatistics, exitOptions, MAX_EXIT_OPTIONS, NO_EXITS } from '../../src/qos/exit-option.js';
import { gapGemmBranch } from '../../test-support/qos/synthetic-exits.js';
import { lenet } from '../../test-support/qos/specs.js';

const stats: ExitStatistics = {
  branches: [gapGemmBranch('exit_0_logits', 'pool1', 6, 14, 14), gapGemmBranch('exit_1_logits', 'pool2', 16, 5, 5)],
  samples: 4,
  exits: 2,
  confidence: Float64Array.from([0.9, 0.5, 0.4, 0.95, 0.3, 0.2, 0.8, 0.99]),
  correct: Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 1]),
  mainCorrect: Uint8Array.from([1, 1, 0, 1]),
};

describe('exit configurations', () => {
  it('answer at the first enabled exit whose confidence reaches its threshold (counted by hand)', () => {
    const both = evaluate(stats, [0.85, 0.9]);
    assert.equal(both.label, 'exit_0_logits@0.85+exit_1_logits@0.9');
    assert.deepEqual([...(both.perSample?.exitTaken ?? [])], [0, 1, -1, 1]);
    assert.equal(both.exitFraction, 0.75);
    assert.equal(both.rightAtExits, 0.75);
    assert.equal(both.rightAtMain, 0);
    const second = evaluate(stats, [null, 0.96]);
    assert.equal(second.label, 'exit_1_logits@0.96');
    assert.deepEqual([...(second.perSample?.exitTaken ?? [])], [-1, -1, -1, 0]);
    assert.equal(second.exitFraction, 0.25);
    assert.equal(second.rightAtExits, 0.25);
    assert.equal(second.rightAtMain, 0.5);
  });

  it('enumerates no exit, then every subset x threshold; refuses too many', () => {
    const options = exitOptions(stats, [0.5]);
    assert.deepEqual(options.map((o) => o.label), ['none', 'exit_0_logits@0.5', 'exit_1_logits@0.5', 'exit_0_logits@0.5+exit_1_logits@0.5']);
    assert.equal(options[0], NO_EXITS);
    assert.equal(exitOptions(stats, [0.5, 0.7, 0.9]).length, 16);
    const many = { ...stats, branches: Array.from({ length: 7 }, (_, j) => gapGemmBranch(`e${j}`, 'pool1', 6, 14, 14)) };
    assert.throws(() => exitOptions(many, Array.from({ length: 9 }, (_, i) => i / 10)), new RegExp(`7 exits x 9 thresholds make 10000000 exit configurations; at most ${MAX_EXIT_OPTIONS}`));
    assert.throws(() => exitOptions(stats, [Number.NaN]), /exit thresholds must be finite confidences/);
  });
});

describe('accuracy', () => {
  const { analysis } = lenet();
  const cuts = cutCandidates(analysis);
  const codecs = [{ name: 'fp32' as const }, { name: 'int8' as const }, { name: 'int8' as const, deflate: true }];

  it('predicted: lossless codecs keep the base; a lossy one loses its step, less at salient cuts; local keeps the base', () => {
    const scores = new Map([['pool1', 4], ['pool2', 1]]);
    const p = predictAccuracy(cuts, codecs, 0.98, scores);
    const at = (t: string, k: number): number => p.at[cuts.findIndex((c) => c.tensors.join() === t && c.placement === 'split') * codecs.length + k]!;
    assert.equal(p.source, 'predicted');
    assert.equal(at('pool1', 0), 0.98);
    assert.equal(at('pool1', 1), 0.98); // the most salient cut: s = 1
    assert.ok(Math.abs(at('pool2', 1) - 0.98 * (1 - (1 / 255) * 0.75)) < 1e-15);
    assert.ok(Math.abs(at('fc1', 2) - 0.98 * (1 - 1 / 255)) < 1e-15); // no score: the full step
    assert.equal(p.at[(cuts.length - 1) * codecs.length + 1], 0.98); // local
  });

  it('with exits: counted per sample when measured on the same images, else combined and labelled predicted', () => {
    const both = evaluate(stats, [0.85, 0.9]);
    const measured = { source: 'measured' as const, base: 0.75, at: Float64Array.from([0.5]), correct: [Uint8Array.from([0, 0, 1, 1])] };
    // Samples 0, 1, 3 exit (right, right, right); sample 2 reaches the tail, which is right.
    assert.deepEqual(accuracyWithExits(measured, 0, both), { accuracy: 1, source: 'measured' });
    assert.deepEqual(accuracyWithExits(measured, 0, NO_EXITS), { accuracy: 0.5, source: 'measured' });
    const second = evaluate(stats, [null, 0.96]);
    const predicted = { source: 'predicted' as const, base: 0.75, at: Float64Array.from([0.6]) };
    assert.deepEqual(accuracyWithExits(predicted, 0, second), { accuracy: 0.25 + 0.5 * (0.6 / 0.75), source: 'predicted' });
    const otherImages = { ...measured, correct: [Uint8Array.from([1, 1])] };
    assert.equal(accuracyWithExits(otherImages, 0, both).source, 'predicted');
  });
});
