import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CutSwitcher } from '../../src/edge/cut-switcher.js';
import { CutTable } from '../../src/edge/cut-table.js';
import { BadRequestError } from '../../src/errors.js';
import { parsePopexProblem } from '../../src/exits/popex.js';

/** T_l1 = 1.3 + 8000 / B, T_l2 = 21.1 + 80 / B: the bands meet at 400 Mbit/s (cut-table.test.ts). */
const table = CutTable.fromProblem(parsePopexProblem({
  inputBytes: 100, uplinkMbps: 1,
  layers: [
    { name: 'l1', edgeMs: 1, cloudMs: 0.1, outputBytes: 1_000_000 },
    { name: 'l2', edgeMs: 20, cloudMs: 0.2, outputBytes: 10_000 },
    { name: 'l3', edgeMs: 1, cloudMs: 0.1, outputBytes: 40 },
  ],
}), ['l1', 'l2']);

/** Feeds estimates one per measured request; returns the cut after each. */
function run(s: CutSwitcher, estimates: readonly (number | undefined)[]): string[] {
  return estimates.map((m) => {
    s.update(m);
    return s.current;
  });
}

describe('CutSwitcher', () => {
  it('moves to the best cut once the dwell has passed, and records why', () => {
    const s = new CutSwitcher(table, 'l1', { dwell: 3 });
    assert.deepEqual(run(s, [1000, 100, 100, 100]), ['l1', 'l1', 'l2', 'l2']);
    assert.equal(s.history.length, 1);
    const sw = s.history[0];
    assert.equal(sw?.from, 'l1');
    assert.equal(sw?.to, 'l2');
    assert.equal(sw?.atSample, 3);
    assert.ok(Math.abs((sw?.fromMs as number) - 81.3) < 1e-9 && Math.abs((sw?.toMs as number) - 21.9) < 1e-9);
  });

  it('hysteresis: a rate hovering around the boundary does not flap; without it the client does', () => {
    // 350 and 450 Mbit/s: each cut is within 10% of the other there.
    const hover = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 350 : 450));
    const calm = new CutSwitcher(table, 'l1', { hysteresis: 0.2, dwell: 0 });
    run(calm, hover);
    assert.equal(calm.history.length, 0);
    const flappy = new CutSwitcher(table, 'l1', { hysteresis: 0, dwell: 0 });
    run(flappy, hover);
    assert.equal(flappy.history.length, 40);
  });

  it('a gain below the hysteresis keeps the cut; above it, the cut changes', () => {
    // At 380 Mbit/s l2 is best but only 4.9% faster; at 200 it is 92% faster.
    const s = new CutSwitcher(table, 'l1', { hysteresis: 0.2, dwell: 0 });
    assert.deepEqual(run(s, [380, 380, 200]), ['l1', 'l1', 'l2']);
  });

  it('the dwell holds the cut for that many measured requests after a switch', () => {
    const s = new CutSwitcher(table, 'l2', { dwell: 4 });
    // Requests without an estimate count as measured requests for the dwell, but never switch.
    assert.deepEqual(run(s, [undefined, undefined, undefined, 10_000, 10, 10, 10, 10]), ['l2', 'l2', 'l2', 'l1', 'l1', 'l1', 'l1', 'l2']);
  });

  it('bad options and an unknown initial cut are refused', () => {
    assert.throws(() => new CutSwitcher(table, 'l3'), BadRequestError);
    assert.throws(() => new CutSwitcher(table, 'l1', { hysteresis: -0.1 }), BadRequestError);
    assert.throws(() => new CutSwitcher(table, 'l1', { dwell: 1.5 }), BadRequestError);
  });
});
