import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { BadFieldError } from '../../src/exits/fields.js';
import { bestCheckedCut, type PopexProblem, parsePopexProblem, solvePopex, transmitMs } from '../../src/exits/popex.js';
import { Random } from '../../src/graph/random.js';
import { bruteForceCutTimes, randomPopexProblem } from '../../test-support/exits/popex-reference.js';

/** Equal up to the rounding of summing the same terms in another order. */
function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** The problem of the example, as JSON would give it. */
function example(): Record<string, unknown> {
  return {
    inputBytes: 3072, uplinkMbps: 5.85, rttMs: 0,
    layers: [{ name: 'conv1', edgeMs: 12.0, cloudMs: 0.1, outputBytes: 65536 }],
    exits: [{ after: 'conv1', edgeMs: 1.5, exitProbability: 0.3 }],
  };
}

/** Checks one bad problem: a BadFieldError (bad-request code) naming `field`. */
function rejects(problem: unknown, field: string, message: RegExp): void {
  assert.throws(() => solvePopex(problem), (e: unknown) => {
    assert.ok(e instanceof BadFieldError && e instanceof BadRequestError, `not a BadFieldError: ${String(e)}`);
    assert.equal(e.code, 'BAD_REQUEST');
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });
}

describe('solvePopex', () => {
  it('the issue example by hand: upload 8*3072/5850 ms + 0.1 ms beats 12 + 1.5 ms on the edge', () => {
    const r = solvePopex(example());
    close(r.cloudOnlyMs, (8 * 3072) / 5850 + 0.1, 'cloud only');
    close(r.edgeOnlyMs, 13.5, 'edge only: the exit after the last layer runs too');
    assert.equal(r.cut, 'input');
    assert.equal(r.edgeLayers, 0);
    assert.deepEqual(r.path, ['input', 'cloud:input', 'cloud:conv1', 'output']);
    close(r.expectedMs, r.cloudOnlyMs, 'best');
  });

  it('equals brute force over every cut on 4000 random problems (up to 40 layers, exits at the cut, p = 0 and 1, rtt > 0)', () => {
    const rng = new Random(15);
    const seen = { manyLayers: 0, exitAtBestCut: 0, p0: 0, p1: 0, rtt: 0, cutInside: 0, cutInput: 0, cutOutput: 0 };
    for (let trial = 0; trial < 4000; trial++) {
      const problem = randomPopexProblem(rng);
      const brute = bruteForceCutTimes(problem);
      const r = solvePopex(problem);
      const n = problem.layers.length;
      const best = Math.min(...brute);
      close(r.expectedMs, best, `trial ${trial}: shortest path vs brute-force minimum`);
      close(brute[r.edgeLayers]!, best, `trial ${trial}: brute-force time of the chosen cut ${r.cut}`);
      assert.equal(r.cuts.length, n + 1);
      r.cuts.forEach((c, s) => close(c.expectedMs, brute[s]!, `trial ${trial}: cut ${s}`));
      close(r.edgeOnlyMs, brute[n]!, 'edge only');
      close(r.cloudOnlyMs, brute[0]!, 'cloud only');
      // The path runs the chosen cut's layers on the edge, every exit among them, the rest in the cloud.
      const s = r.edgeLayers;
      const exitsOnEdge = (problem.exits ?? []).filter((e) => problem.layers.findIndex((l) => l.name === e.after) < s);
      const expectedPath = ['input', ...problem.layers.slice(0, s).flatMap((l) => [`edge:${l.name}`, ...(exitsOnEdge.some((e) => e.after === l.name) ? [`exit:${l.name}`] : [])])];
      if (s < n) expectedPath.push(s === 0 ? 'cloud:input' : `cloud:${problem.layers[s - 1]?.name}`, ...problem.layers.slice(s).map((l) => `cloud:${l.name}`));
      expectedPath.push('output');
      assert.deepEqual(r.path, expectedPath, `trial ${trial}`);
      assert.equal(r.cut, s === 0 ? 'input' : s === n ? 'output' : problem.layers[s - 1]?.name);

      if (n > 10) seen.manyLayers++;
      if (s > 0 && (problem.exits ?? []).some((e) => e.after === problem.layers[s - 1]?.name)) seen.exitAtBestCut++;
      if ((problem.exits ?? []).some((e) => e.exitProbability === 0)) seen.p0++;
      if ((problem.exits ?? []).some((e) => e.exitProbability === 1)) seen.p1++;
      if ((problem.rttMs ?? 0) > 0) seen.rtt++;
      if (s === 0) seen.cutInput++;
      else if (s === n) seen.cutOutput++;
      else seen.cutInside++;
    }
    // The generator reaches every case the issue names, many times.
    for (const [k, v] of Object.entries(seen)) assert.ok(v >= 100, `${k}: only ${v} problems`);
  });

  it('bestCheckedCut: the best cut among those keeping at least minEdgeLayers layers on the edge (2000 random problems)', () => {
    const rng = new Random(7);
    for (let trial = 0; trial < 2000; trial++) {
      const problem = randomPopexProblem(rng, 15);
      const brute = bruteForceCutTimes(problem);
      const min = rng.int(problem.layers.length + 1);
      const r = bestCheckedCut(parsePopexProblem(problem), min);
      assert.ok(r.edgeLayers >= min);
      const best = Math.min(...brute.slice(min));
      close(r.expectedMs, best, `trial ${trial}`);
      close(brute[r.edgeLayers]!, best, `trial ${trial}: the cut's own time`);
    }
  });

  it('transmitMs: 8 bytes / (Mbit/s * 1000) ms plus the round trip', () => {
    assert.equal(transmitMs(1e6, 8), 1000); // 8 Mbit at 8 Mbit/s: one second
    assert.equal(transmitMs(125, 1, 20), 21);
  });
});

describe('solvePopex does not repeat the published code\'s bugs', () => {
  it('a missing or misspelt weight is an error, never a default', () => {
    const missing = example();
    delete (missing.layers as Record<string, unknown>[])[0]?.edgeMs;
    rejects(missing, 'layers[0].edgeMs', /missing/);
    const misspelt = example();
    const layer = (misspelt.layers as Record<string, unknown>[])[0]!;
    layer.edgeMS = layer.edgeMs;
    delete layer.edgeMs;
    rejects(misspelt, 'layers[0].edgeMS', /unknown field/);
  });

  it('more than 9 layers: layer ids are names, not one digit (the best cut is l11 of 12)', () => {
    // Edge layers cost 1 ms, the cloud 0; uploads are slow except after l11; l12 is dear on the edge.
    const layers = Array.from({ length: 12 }, (_, i) => ({ name: `l${i + 1}`, edgeMs: i === 11 ? 50 : 1, cloudMs: 0, outputBytes: i === 10 ? 10 : 1e6 }));
    const r = solvePopex({ inputBytes: 1e6, uplinkMbps: 8, layers });
    assert.equal(r.cut, 'l11');
    assert.equal(r.edgeLayers, 11);
    close(r.expectedMs, 11 + (8 * 10) / 8000, 'eleven layers and 10 bytes');
    assert.equal(r.path.filter((v) => v.startsWith('edge:')).length, 11);
  });

  it('an exit branch and the layers after it are weighted by the reach probability, not by p', () => {
    // Exits after a (p = 0.3) and b (p = 0.6); all on the edge:
    // a 10 + exit_a 2 + 0.7 (b 10 + exit_b 4) + 0.7 * 0.4 * c 10.
    const problem: PopexProblem = {
      inputBytes: 1e9, uplinkMbps: 1, layers: ['a', 'b', 'c'].map((name) => ({ name, edgeMs: 10, cloudMs: 0, outputBytes: 1e9 })),
      exits: [{ after: 'a', edgeMs: 2, exitProbability: 0.3 }, { after: 'b', edgeMs: 4, exitProbability: 0.6 }],
    };
    const r = solvePopex(problem);
    assert.equal(r.cut, 'output');
    close(r.expectedMs, 10 + 2 + 0.7 * (10 + 4) + 0.7 * 0.4 * 10, 'edge only');
    // Cut after b: its exit runs before the upload, which carries the 0.28 that remain.
    const tx = transmitMs(1e9, 1);
    close(r.cuts[2]!.expectedMs, 10 + 2 + 0.7 * (10 + 4) + 0.28 * tx, 'cut after b');
    close(r.cuts[2]!.uploadProbability, 0.28, 'upload probability after b');
    // Cut after a: exit b is in the cloud and does not run, so the cloud part is weighted 0.7.
    close(r.cuts[1]!.expectedMs, 10 + 2 + 0.7 * tx, 'cut after a');
  });

  it('switching exits off keeps each remaining exit\'s own probability, in any listing order', () => {
    const layers = ['a', 'b', 'c', 'd'].map((name, i) => ({ name, edgeMs: 3 + i, cloudMs: 0.5, outputBytes: 4000 >> i }));
    const exits = [{ after: 'a', edgeMs: 1, exitProbability: 0.1 }, { after: 'b', edgeMs: 1, exitProbability: 0.5 }, { after: 'c', edgeMs: 1, exitProbability: 0.9 }];
    const base = { inputBytes: 8000, uplinkMbps: 2, rttMs: 1, layers };
    const pruned = solvePopex({ ...base, exits: [exits[2], exits[0]] });
    const reference = bruteForceCutTimes({ ...base, exits: [exits[0]!, exits[2]!] });
    pruned.cuts.forEach((c, s) => close(c.expectedMs, reference[s]!, `cut ${s}`));
    // By hand, all on the edge: a 3 + 1 + 0.9 (b 4 + c 5 + 1) + 0.9 * 0.1 * d 6.
    close(pruned.edgeOnlyMs, 3 + 1 + 0.9 * 10 + 0.09 * 6, 'edge only');
    const parsed = parsePopexProblem({ ...base, exits: [exits[2], exits[0]] });
    assert.deepEqual(parsed.exits.map((e) => [e.after, e.exitProbability]), [['a', 0.1], ['c', 0.9]]);
  });
});

describe('parsePopexProblem: bad input names the field', () => {
  const cases: [string, (p: Record<string, unknown>) => void, string, RegExp][] = [
    ['missing top-level field', (p) => delete p.uplinkMbps, 'uplinkMbps', /missing/],
    ['missing layer field', (p) => delete (p.layers as Record<string, unknown>[])[0]?.outputBytes, 'layers[0].outputBytes', /missing/],
    ['missing exit field', (p) => delete (p.exits as Record<string, unknown>[])[0]?.exitProbability, 'exits[0].exitProbability', /missing/],
    ['negative edge time', (p) => { (p.layers as Record<string, unknown>[])[0]!.edgeMs = -1; }, 'layers[0].edgeMs', />= 0/],
    ['negative cloud time', (p) => { (p.layers as Record<string, unknown>[])[0]!.cloudMs = -0.5; }, 'layers[0].cloudMs', />= 0/],
    ['negative exit time', (p) => { (p.exits as Record<string, unknown>[])[0]!.edgeMs = -2; }, 'exits[0].edgeMs', />= 0/],
    ['negative rtt', (p) => { p.rttMs = -1; }, 'rttMs', />= 0/],
    ['zero uplink', (p) => { p.uplinkMbps = 0; }, 'uplinkMbps', /> 0/],
    ['a time that is not a number', (p) => { (p.layers as Record<string, unknown>[])[0]!.edgeMs = '12'; }, 'layers[0].edgeMs', /finite number/],
    ['probability above 1', (p) => { (p.exits as Record<string, unknown>[])[0]!.exitProbability = 1.2; }, 'exits[0].exitProbability', /<= 1/],
    ['probability below 0', (p) => { (p.exits as Record<string, unknown>[])[0]!.exitProbability = -0.1; }, 'exits[0].exitProbability', />= 0/],
    ['exit after an unknown layer', (p) => { (p.exits as Record<string, unknown>[])[0]!.after = 'conv9'; }, 'exits[0].after', /names no layer: "conv9"/],
    ['duplicate layer names', (p) => { (p.layers as unknown[]).push({ name: 'conv1', edgeMs: 1, cloudMs: 1, outputBytes: 1 }); }, 'layers[1].name', /duplicate layer name "conv1"/],
    ['two exits after one layer', (p) => { (p.exits as unknown[]).push({ after: 'conv1', edgeMs: 1, exitProbability: 0.5 }); }, 'exits[1].after', /already has an exit/],
    ['a layer named like a cut end', (p) => { (p.layers as Record<string, unknown>[])[0]!.name = 'output'; }, 'layers[0].name', /rename/],
    ['no layers', (p) => { p.layers = []; }, 'layers', /at least 1/],
    ['layers not an array', (p) => { p.layers = {}; }, 'layers', /array/],
    ['unknown top-level field', (p) => { p.uplinkMbit = 3; }, 'uplinkMbit', /unknown field/],
  ];
  for (const [what, mutate, field, message] of cases) {
    it(`${what}: ${field}`, () => {
      const p = example();
      mutate(p);
      rejects(p, field, message);
    });
  }

  it('a problem that is not an object, and the bounds on size', () => {
    assert.throws(() => parsePopexProblem([1]), /must be a JSON object/);
    const layers = Array.from({ length: 10_001 }, (_, i) => ({ name: `l${i}`, edgeMs: 1, cloudMs: 1, outputBytes: 1 }));
    rejects({ inputBytes: 1, uplinkMbps: 1, layers }, 'layers', /at most 10000/);
  });

  it('rttMs and exits may be left out', () => {
    const p = parsePopexProblem({ inputBytes: 1, uplinkMbps: 1, layers: [{ name: 'x', edgeMs: 1, cloudMs: 1, outputBytes: 1 }] });
    assert.equal(p.rttMs, 0);
    assert.deepEqual(p.exits, []);
  });
});
