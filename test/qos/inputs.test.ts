import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { parseExitStatistics, parseRanking, parseSparsityVariants } from '../../src/qos/inputs.js';

const exit = (name: string) => ({ name, after: 'pool1', flops: 10, bytes: 40, opClass: 'gemm', paramBytes: 8 });
const fails = (f: () => unknown, message: RegExp): void => {
  assert.throws(f, (e: unknown) => e instanceof BadRequestError && message.test(e.message), message.source);
};

describe('plan input files', () => {
  it('exit statistics: flat matrices in file order, the threshold grid sorted and deduplicated', () => {
    const { stats, thresholds } = parseExitStatistics(JSON.stringify({
      exits: [exit('a'), exit('b')],
      thresholds: [0.9, 0.5, 0.9],
      samples: { confidence: [[0.1, 0.2], [0.3, 0.4]], correct: [[true, false], [false, true]], mainCorrect: [true, false] },
    }), 'e.json');
    assert.deepEqual(thresholds, [0.5, 0.9]);
    assert.equal(stats.samples, 2);
    assert.deepEqual([...stats.confidence], [0.1, 0.2, 0.3, 0.4]);
    assert.deepEqual([...stats.correct], [1, 0, 0, 1]);
    assert.deepEqual([...stats.mainCorrect], [1, 0]);
  });

  it('exit statistics: errors name the field', () => {
    const base = { exits: [exit('a')], thresholds: [0.5], samples: { confidence: [[0.1]], correct: [[true]], mainCorrect: [true] } };
    fails(() => parseExitStatistics(JSON.stringify({ ...base, exits: [exit('a'), exit('a')], samples: { confidence: [[0.1, 0.2]], correct: [[true, true]], mainCorrect: [true] } }), 'e.json'), /e\.json: field "exits\[1\]\.name" repeats "a"/);
    fails(() => parseExitStatistics(JSON.stringify({ ...base, samples: { ...base.samples, correct: [[true], [false]] } }), 'e.json'), /e\.json: field "samples\.correct" has 2 rows; mainCorrect has 1 samples/);
    fails(() => parseExitStatistics(JSON.stringify({ ...base, samples: { ...base.samples, confidence: [[0.1, 0.2]] } }), 'e.json'), /field "samples\.confidence\[0\]" has 2 values; there are 1 exits/);
    fails(() => parseExitStatistics(JSON.stringify({ ...base, samples: { ...base.samples, confidence: [['high']] } }), 'e.json'), /field "samples\.confidence\[0\]\[0\]" must be a finite number, got "high"/);
    fails(() => parseExitStatistics(JSON.stringify({ ...base, samples: { ...base.samples, extra: 1 } }), 'e.json'), /field "samples\.extra" unknown field/);
    fails(() => parseExitStatistics(JSON.stringify({ ...base, exits: [{ ...exit('a'), opClass: 'lstm' }] }), 'e.json'), /field "exits\[0\]\.opClass" must be one of "conv", "gemm", "elementwise", got "lstm"/);
    fails(() => parseExitStatistics('{', 'e.json'), /e\.json: not valid JSON/);
  });

  it("exit statistics: the provenance is read when present; `cleave exits evaluate --samples`'s file is read too (its clean set)", () => {
    const samples = { confidence: [[0.1], [0.3]], correct: [[true], [false]], mainCorrect: [true, false] };
    const provenance = { data: 'mnist', split: 'test', from: 5000, count: 2 };
    assert.deepEqual(parseExitStatistics(JSON.stringify({ exits: [exit('a')], thresholds: [0.5], samples, provenance }), 'e.json').provenance, provenance);
    assert.equal(parseExitStatistics(JSON.stringify({ exits: [exit('a')], thresholds: [0.5], samples }), 'e.json').provenance, undefined);
    fails(() => parseExitStatistics(JSON.stringify({ exits: [exit('a')], thresholds: [0.5], samples, provenance: { ...provenance, from: -1 } }), 'e.json'), /e\.json: field "provenance\.from" must be a finite number >= 0/);
    const { name: _, after: at, ...cost } = exit('a');
    const file = { policy: 'entropy', exits: [{ output: 'a', at, ...cost }], provenance, sets: [{ condition: 'noise 0.1', samples: { ...samples, mainCorrect: [false, false] } }, { condition: 'clean', samples }] };
    const r = parseExitStatistics(JSON.stringify(file), 's.json');
    assert.deepEqual(r.stats.branches, [exit('a')]);
    assert.deepEqual([...r.stats.mainCorrect], [1, 0]);
    assert.deepEqual(r.provenance, provenance);
    // No thresholds in the file: the policy's default taus, as confidences (minus the entropy), ascending.
    assert.deepEqual(r.thresholds, [-1.5, -1, -0.7, -0.4, -0.2, -0.1, -0.05]);
    fails(() => parseExitStatistics(JSON.stringify({ ...file, exits: [{ output: 'a', at }] }), 's.json'), /s\.json: field "exits\[0\]\.flops" is missing: the plan needs each exit's cost/);
    fails(() => parseExitStatistics(JSON.stringify({ ...file, exits: [{ output: 'a', at, flops: 1 }] }), 's.json'), /s\.json: field "exits\[0\]\.bytes" is missing/);
    fails(() => parseExitStatistics(JSON.stringify({ ...file, sets: [file.sets[0]] }), 's.json'), /s\.json: field "sets" has no "clean" set/);
  });

  it('sparsity variants: checked, labels unique and not "dense"', () => {
    const v = parseSparsityVariants(JSON.stringify([{ label: 'q', density: 0.25, structured: true, accuracyDelta: -0.01, nodeDensity: { conv1: 0.5 } }]), 's.json');
    assert.deepEqual(v, [{ label: 'q', density: 0.25, structured: true, accuracyDelta: -0.01, nodeDensity: { conv1: 0.5 } }]);
    fails(() => parseSparsityVariants(JSON.stringify([{ label: 'dense', density: 0.5, structured: true, accuracyDelta: 0 }]), 's.json'), /field "\[0\]\.label" repeats "dense"/);
    fails(() => parseSparsityVariants(JSON.stringify([{ label: 'z', density: 0, structured: true, accuracyDelta: 0 }]), 's.json'), /field "\[0\]\.density" must be a number > 0 and <= 1, got 0/);
    fails(() => parseSparsityVariants(JSON.stringify([{ label: 'z', density: 0.5, structured: 'yes', accuracyDelta: 0 }]), 's.json'), /field "\[0\]\.structured" must be a boolean/);
  });

  it("an I-SPLIT ranking: `cleave rank --json`'s scores by tensor, non-finite ones (written as text) carry no order", () => {
    const r = parseRanking(JSON.stringify({ model: 'm', ranking: { cuts: [{ tensor: 'pool1', score: 2.5, rank: 1 }, { tensor: 'fc1', score: '-Infinity' }] } }), 'r.json');
    assert.deepEqual([...r], [['pool1', 2.5], ['fc1', 0]]);
    fails(() => parseRanking(JSON.stringify({ ranking: {} }), 'r.json'), /r\.json: field "ranking\.cuts" is missing/);
  });
});
