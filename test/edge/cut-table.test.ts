import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CutTable } from '../../src/edge/cut-table.js';
import { BadRequestError } from '../../src/errors.js';
import { parsePopexProblem, type PopexProblem } from '../../src/exits/popex.js';
import { Random } from '../../src/graph/random.js';
import { bruteForceCutTimes, randomPopexProblem } from '../../test-support/exits/popex-reference.js';

function close(a: number, b: number, what: string, rtol = 1e-9): void {
  assert.ok(Math.abs(a - b) <= rtol * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Three layers, no exits: l1 uploads 1 MB after 1 ms, l2 uploads 10 kB after 21 ms. */
const HAND: PopexProblem = {
  inputBytes: 100, uplinkMbps: 1,
  layers: [
    { name: 'l1', edgeMs: 1, cloudMs: 0.1, outputBytes: 1_000_000 },
    { name: 'l2', edgeMs: 20, cloudMs: 0.2, outputBytes: 10_000 },
    { name: 'l3', edgeMs: 1, cloudMs: 0.1, outputBytes: 40 },
  ],
};

describe('CutTable', () => {
  it('by hand: T_l1 = 1.3 + 8000 / B, T_l2 = 21.1 + 80 / B, so l1 is best above 400 Mbit/s', () => {
    const t = CutTable.fromProblem(parsePopexProblem(HAND), ['l1', 'l2']);
    const [a, b] = t.costs;
    close(a?.fixedMs!, 1.3, 'l1 fixed');
    close(a?.uploadMsAt1Mbps!, 8000, 'l1 upload');
    close(b?.fixedMs!, 21.1, 'l2 fixed');
    close(b?.uploadMsAt1Mbps!, 80, 'l2 upload');
    assert.equal(t.bands.length, 2);
    assert.deepEqual(t.bands.map((x) => x.cut), ['l2', 'l1']);
    assert.equal(t.bands[0]?.fromMbps, 0);
    close(t.bands[0]?.toMbps as number, 400, 'boundary');
    close(t.bands[1]!.fromMbps, 400, 'boundary');
    assert.equal(t.bands[1]?.toMbps, Infinity);
    assert.equal(t.best(399), 'l2');
    assert.equal(t.best(401), 'l1');
    close(t.expectedMs('l2', 10), 21.1 + 8, 'T_l2(10)');
  });

  it('equals POPEX at each rate, restricted to the candidates, on random problems with exits', () => {
    const rng = new Random(15);
    for (let trial = 0; trial < 400; trial++) {
      const problem = randomPopexProblem(rng, 14);
      // Cut s = 0..N: "input", the layers but the last, "output" (after the last layer).
      const names = ['input', ...problem.layers.slice(0, -1).map((l) => l.name), 'output'];
      const candidates = rng.shuffle([...names]).slice(0, 1 + rng.int(Math.min(6, names.length)));
      const table = CutTable.fromProblem(parsePopexProblem(problem), candidates);
      // The bands cover every rate once, in order, each next to a different cut.
      assert.equal(table.bands[0]?.fromMbps, 0);
      assert.equal(table.bands[table.bands.length - 1]?.toMbps, Infinity);
      table.bands.forEach((b, i) => {
        assert.ok(b.fromMbps < b.toMbps, `trial ${trial}: empty band`);
        const next = table.bands[i + 1];
        if (next) {
          assert.equal(next.fromMbps, b.toMbps);
          assert.notEqual(next.cut, b.cut);
        }
      });
      for (let k = 0; k < 6; k++) {
        const mbps = 10 ** (rng.next() * 6 - 3);
        const times = bruteForceCutTimes({ ...problem, uplinkMbps: mbps });
        const want = candidates.map((c) => times[names.indexOf(c)]!);
        candidates.forEach((c, i) => close(table.expectedMs(c, mbps), want[i]!, `trial ${trial} cut ${c} at ${mbps}`, 1e-7));
        close(table.expectedMs(table.best(mbps), mbps), Math.min(...want), `trial ${trial}: best at ${mbps}`, 1e-7);
      }
    }
  });

  it('refuses an empty, repeated or unknown candidate', () => {
    const p = parsePopexProblem(HAND);
    assert.throws(() => CutTable.fromProblem(p, []), BadRequestError);
    assert.throws(() => CutTable.fromProblem(p, ['l1', 'l1']), /listed twice/);
    assert.throws(() => CutTable.fromProblem(p, ['l9']), /names no layer/);
    assert.throws(() => CutTable.fromProblem(p, ['l1']).expectedMs('l2', 1), /not a candidate/);
  });
});
