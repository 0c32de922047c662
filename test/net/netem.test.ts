/**
 * Real-link check (a few grid points; bench/netem runs the whole grid): real kernel TCP between
 * two network namespaces shaped by tbf, nftables loss and the C delay line, against the
 * analytic model and the simulator. Skips only when namespaces cannot be made (not root).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { medianAbsError, runGrid } from '../../test-support/net/netem-grid.js';
import { leftoverNamespaces, missingTools, netnsUnavailableReason, ShapedLink } from '../../test-support/net/shaped-link.js';

const unavailable = netnsUnavailableReason();

describe('real shaped link vs models', { skip: unavailable ? `real-link test skipped: ${unavailable}` : false }, () => {
  after(() => {
    assert.deepEqual(leftoverNamespaces(), [], 'namespaces left behind');
  });

  it('has the tools (tc, nft, cc, /dev/net/tun)', () => {
    assert.deepEqual(missingTools(), [], 'install iproute2, nftables and gcc (CI: .ci/run does)');
  });

  it('a failing configuration still leaves nothing behind', async () => {
    const link = await ShapedLink.create();
    try {
      assert.equal(leftoverNamespaces().length, 2);
      // tc refuses a zero rate: configure throws, close must still remove both namespaces.
      await assert.rejects(link.configure({ rateBps: 0, rttMs: 10, lossPct: 0, queueBytes: 64_000 }), /tc qdisc replace/);
    } finally {
      await link.close();
    }
    assert.deepEqual(leftoverNamespaces(), []);
  });

  it('measured transfer times agree with the analytic model and the simulator', { timeout: 90_000 }, async () => {
    const rows = await runGrid({
      points: [
        { rateBps: 10e6, rttMs: 50, lossPct: 0 },
        { rateBps: 100e6, rttMs: 20, lossPct: 0 },
        { rateBps: 2e6, rttMs: 10, lossPct: 1 },
      ],
      sizes: [10_000, 100_000],
      repeats: 3,
      repeatsWithLoss: 5,
      simRuns: 11,
    });
    assert.equal(rows.length, 6);
    for (const r of rows) {
      // Physical floor: handshake + last byte + reply = at least 2 RTT, plus the bytes at the
      // rate (less the one packet tbf's full bucket lets through at once).
      const floor = 2 * r.rttMs + (((r.bytes - 1500) * 8) / r.rateBps) * 1000;
      assert.ok(r.measuredMs > floor * 0.98, `measured ${r.measuredMs} ms below the physical floor ${floor} ms`);
    }
    const detail = rows.map((r) => `${r.rateBps / 1e6}M/${r.rttMs}ms/${r.lossPct}% ${r.bytes}B: real ${r.measuredMs.toFixed(1)} analytic ${r.analyticMs.toFixed(1)} sim ${r.simulatedMs.toFixed(1)}`).join('\n');
    // bench/netem holds the 10% target on the whole grid; here a loaded CI machine gets slack.
    assert.ok(medianAbsError(rows, 'analyticError') < 0.2, `analytic off:\n${detail}`);
    assert.ok(medianAbsError(rows, 'simulatedError') < 0.2, `simulator off:\n${detail}`);
  });
});
