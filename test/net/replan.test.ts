/**
 * The edge client re-planning over a real shaped link (the exits issue, item 7): a net with two
 * exits cut after block1 (512 KiB up, exit 0 in the head) and after block2 (128 KiB up, exits 0
 * and 1 in the head), both tails served by `cleave serve` across the link, one client process
 * running 40 requests while the tbf rate goes 40 -> 2 -> 40 Mbit/s under it. The edge config
 * says block2 takes 560 ms on the edge device, so POPEX's table puts the boundary at 6 Mbit/s
 * and, with the hysteresis, the client leaves block1 below 4.7 Mbit/s and block2 above 7.5: the
 * slow link measures 1.9 Mbit/s, the fast one 30 Mbit/s or more, and even a request held up by
 * 100 ms of overheads on the 128 KiB cut measures above 8. Decisions and counts are checked,
 * never times. Skips only when namespaces cannot be made.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseEdgeConfig } from '../../src/edge/edge-config.js';
import { exitConfidence } from '../../src/edge/exit-decision.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import { exitNet, exitNetInput, exitNetLayers, type ExitNetOptions } from '../../test-support/edge/exit-net.js';
import type { ReplanRecord } from '../../test-support/net/replan-client.js';
import { ReplanRig } from '../../test-support/net/replan-rig.js';
import { leftoverNamespaces, netnsUnavailableReason } from '../../test-support/net/shaped-link.js';

const unavailable = netnsUnavailableReason();

const NET: ExitNetOptions = { size: 64, channels: 32, exitsAt: ['block1', 'block2'] };
const FAST_BPS = 40e6;
const SLOW_BPS = 2e6;
/** Requests before the link slows, before it speeds up again, and in all. */
const SLOW_AT = 10;
const FAST_AGAIN_AT = 24;
const TOTAL = 42;
const TAU0 = 0.97;
const TAU1 = 0.6;

/**
 * The inputs the client cycles through: amplitude 1 (no exit sure: max softmax 0.14 and 0.16),
 * 32 (exit 0 sure: 0.999), 16 (exit 1 sure at 0.72-0.76, exit 0 not at 0.95): per six requests,
 * one leaves at exit 0 and, on block2, one at exit 1 (the config's exit probabilities 1/6 and
 * 1/5 are these fractions).
 */
const AMPLITUDES = [1, 1, 32, 1, 16, 1];

const CONFIG = {
  inputBytes: 3 * 64 * 64 * 4, rttMs: 2,
  // A slow edge device: block2 takes 560 ms there (as a deploy step would have measured it).
  layers: exitNetLayers([2, 560, 5, 0.1], NET),
  exits: [
    { output: 'exit_0_logits', after: 'block1', edgeMs: 0.3, exitProbability: 1 / 6, threshold: TAU0 },
    { output: 'exit_1_logits', after: 'block2', edgeMs: 0.3, exitProbability: 1 / 5, threshold: TAU1 },
  ],
  switching: { initialCut: 'block1', hysteresis: 0.2, dwell: 3, window: 5, minSamples: 3 },
};

/** The cut of each record, run-length encoded: "block1 x12, block2 x14, ...". */
function runs(records: readonly ReplanRecord[]): string {
  const out: [string, number][] = [];
  for (const r of records) {
    const last = out[out.length - 1];
    if (last && last[0] === r.cut) last[1]++;
    else out.push([r.cut, 1]);
  }
  return out.map(([c, n]) => `${c} x${n}`).join(', ');
}

describe('edge client re-planning over a shaped link', { skip: unavailable ? `real-link test skipped: ${unavailable}` : false }, () => {
  after(() => {
    assert.deepEqual(leftoverNamespaces(), [], 'namespaces left behind');
  });

  it('40 -> 2 -> 40 Mbit/s mid-run: the client moves to the deep cut and back, exits answer when sure, every request answered once', { timeout: 300_000 }, async (t) => {
    // The table first: the boundary must sit far from both rates for the test to mean anything.
    const table = parseEdgeConfig({ version: 1, ...CONFIG, cuts: [{ after: 'block1', head: 'h1', model: 't1' }, { after: 'block2', head: 'h2', model: 't2' }] }).table;
    assert.deepEqual(table.bands.map((b) => b.cut), ['block2', 'block1']);
    const boundary = table.bands[0]!.toMbps;
    assert.ok(boundary > 2.5 * (SLOW_BPS / 1e6) && boundary < FAST_BPS / 1e6 / 5, `boundary ${boundary} Mbit/s`);

    const model = exitNet(NET);
    const inputs = AMPLITUDES.map((a, seed) => exitNetInput(a, seed + 1, NET));
    // What each input's exits say, from the whole model (the reference for the client's decisions).
    const full = await loadRunner(model);
    const sure: { exit0: boolean; exit1: boolean }[] = [];
    for (const x of inputs) {
      const out = await full.run({ x: { dtype: 'float32', dims: [1, 3, 64, 64], data: x } });
      const c = (name: string) => exitConfidence(out[name]!, 'max-softmax')[0]!;
      sure.push({ exit0: c('exit_0_logits') >= TAU0, exit1: c('exit_1_logits') >= TAU1 });
    }
    await full.release();
    assert.deepEqual(sure.map((s) => (s.exit0 ? 'exit0' : s.exit1 ? 'exit1' : '-')), ['-', '-', 'exit0', '-', 'exit1', '-'], 'the inputs are of the kinds chosen');

    const rig = await ReplanRig.create({
      model, cuts: ['block1', 'block2'], config: CONFIG, inputs, inputName: 'x', dims: [1, 3, 64, 64],
      link: { rateBps: FAST_BPS, rttMs: 2, lossPct: 0, queueBytes: 256 * 1024 },
    });
    let records: ReplanRecord[];
    let stats;
    let served: Record<string, number>;
    const rates: number[] = [];
    try {
      records = await rig.run(TOTAL, (r) => {
        // The client is already on its next request when the rate changes under it.
        if (r.i === SLOW_AT - 1) rig.link.setRate(SLOW_BPS);
        if (r.i === FAST_AGAIN_AT - 1) rig.link.setRate(FAST_BPS);
        if (r.i === SLOW_AT - 1 || r.i === FAST_AGAIN_AT - 1) rates.push(rig.link.rateBps());
      });
      stats = await rig.stats();
      served = await rig.served();
    } finally {
      await rig.close();
    }
    const detail = `cuts: ${runs(records)}\nestimates: ${records.map((r) => r.uplinkMbps?.toFixed(1) ?? '-').join(' ')}\nswitches: ${JSON.stringify(stats.switches)}`;
    assert.deepEqual(rates, [SLOW_BPS, FAST_BPS], 'tc applied the changes');

    // Every request answered exactly once, in order, each with its own id.
    assert.deepEqual(records.map((r) => r.i), Array.from({ length: TOTAL }, (_, i) => i));
    assert.equal(new Set(records.map((r) => r.requestId)).size, TOTAL);
    assert.equal(stats.requests, TOTAL);
    assert.equal(stats.answered, TOTAL);
    assert.equal(stats.failed, 0);

    // Each answer came from where its cut and its input say: a sure exit in the head, else the server.
    for (const r of records) {
      const s = sure[r.input]!;
      const want = s.exit0 ? 'exit-0' : s.exit1 && r.cut === 'block2' ? 'exit-1' : 'server';
      assert.equal(r.origin, want, `request ${r.i} (input ${r.input}, cut ${r.cut})\n${detail}`);
      assert.equal(r.bytesSent === 0, want !== 'server');
      if (want === 'server') assert.equal(r.attempts, 1);
    }

    // The decisions: block1 while fast, block2 by the end of the slow part, block1 again at the end; two switches, no flapping.
    assert.ok(records.slice(0, SLOW_AT).every((r) => r.cut === 'block1'), `fast at first: block1\n${detail}`);
    assert.ok(records.slice(FAST_AGAIN_AT - 4, FAST_AGAIN_AT).every((r) => r.cut === 'block2'), `slow: block2 by the end\n${detail}`);
    assert.ok(records.slice(TOTAL - 4).every((r) => r.cut === 'block1'), `fast again: block1 by the end\n${detail}`);
    assert.deepEqual(stats.switches.map((s) => [s.from, s.to]), [['block1', 'block2'], ['block2', 'block1']], detail);
    const [down, up] = stats.switches;
    assert.ok(down?.mbps! < boundary && up?.mbps! > boundary, detail);

    // The accounting: the client's counts per cut and origin are the records', and the server
    // answered exactly the requests the client says it sent to each cut's tail.
    const tally: Record<string, Record<string, number>> = {};
    for (const r of records) {
      const perCut = (tally[r.cut] ??= {});
      perCut[r.origin] = (perCut[r.origin] ?? 0) + 1;
    }
    assert.deepEqual(stats.byCut, tally);
    assert.equal(served['tail-block1'] ?? 0, tally.block1?.server ?? 0);
    assert.equal(served['tail-block2'] ?? 0, tally.block2?.server ?? 0);
    assert.ok((tally.block2?.['exit-1'] ?? 0) >= 1 && (tally.block1?.['exit-0'] ?? 0) >= 1, `both exits answered\n${detail}`);
    t.diagnostic(`replan over the shaped link: ${runs(records)}; per cut and origin ${JSON.stringify(tally)}; switches at ${stats.switches.map((s) => `${s.mbps.toFixed(1)} Mbit/s (request ${s.atSample} measured)`).join(', ')}; estimates ${records.map((r) => r.uplinkMbps?.toFixed(1) ?? '-').join(' ')}`);
  });
});
