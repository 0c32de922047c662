import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getNetworkProfile } from '../../src/net/profiles.js';
import { simulateCommand } from '../../src/cli/simulate.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await simulateCommand.run(argv, { stdout: (s) => (out += s), stderr: (s) => (out += s) });
  return { code, out };
}

describe('cleave simulate', () => {
  it('--help', async () => {
    const { code, out } = await cli('--help');
    assert.equal(code, 0);
    assert.match(out, /--payload SIZE/);
    assert.match(out, /--devices N/);
  });

  it('one transfer over a named network prints analytic and simulated times', async () => {
    const { code, out } = await cli('--payload', '250KB', '--network', '4g', '--runs', '5');
    assert.equal(code, 0);
    assert.match(out, /250000 bytes over a new TCP connection \(4g: uplink 10 Mbit\/s/);
    assert.match(out, /analytic/);
    assert.match(out, /simulated/);
  });

  it('--json with explicit bandwidth, RTT and loss', async () => {
    const { code, out } = await cli('--payload', '100KB', '--bandwidth', '10mbit', '--rtt', '50ms', '--loss', '1%', '--runs', '3', '--json');
    assert.equal(code, 0);
    const j = JSON.parse(out) as { payloadBytes: number; path: { uplinkBps: number; rttMs: number; lossRate: number }; analytic: { ms: number }; simulated: { medianMs: number } };
    assert.equal(j.payloadBytes, 100_000);
    assert.deepEqual([j.path.uplinkBps, j.path.rttMs, j.path.lossRate], [10e6, 50, 0.01]);
    assert.ok(j.analytic.ms > 100 && j.simulated.medianMs > 100);
  });

  it('--connection: a warm connection skips the handshake and slow start (new > kept-alive > warm)', async () => {
    const times: Record<string, { analytic: number; simulated: number }> = {};
    for (const c of ['new', 'kept-alive', 'warm']) {
      const { code, out } = await cli('--payload', '130KB', '--bandwidth', '100mbit', '--rtt', '50ms', '--runs', '1', '--connection', c, '--json');
      assert.equal(code, 0);
      const j = JSON.parse(out) as { connection: string; analytic: { typicalMs: number }; simulated: { medianMs: number } };
      assert.equal(j.connection, c);
      times[c] = { analytic: j.analytic.typicalMs, simulated: j.simulated.medianMs };
    }
    const t = times as Record<'new' | 'kept-alive' | 'warm', { analytic: number; simulated: number }>;
    for (const k of ['analytic', 'simulated'] as const) assert.ok(t.new[k] > t['kept-alive'][k] && t['kept-alive'][k] > t.warm[k], `${k}: ${JSON.stringify(times)}`);
    const text = await cli('--payload', '10KB', '--network', 'wifi', '--runs', '1', '--connection', 'warm');
    assert.match(text.out, /10000 bytes over a warm TCP connection/);
    await assert.rejects(cli('--payload', '10KB', '--network', 'wifi', '--connection', 'hot'), /--connection must be new, kept-alive or warm, got "hot"/);
    await assert.rejects(cli('--payload', '10KB', '--network', 'wifi', '--devices', '2', '--fps', '1', '--connection', 'warm'), /each device keeps one connection/);
  });

  it('many devices: percentiles, throughput, loss, queues, utilisation', async () => {
    const { code, out } = await cli('--devices', '5', '--fps', '10', '--network', 'wifi', '--payload', '30KB', '--duration', '2', '--service-ms', '4', '--workers', '2');
    assert.equal(code, 0);
    for (const re of [/latency p50 ms/, /latency p99 ms/, /throughput frames\/s/, /packets lost per frame/, /server queue mean \/ max/, /uplink utilisation/]) assert.match(out, re);
    const json = await cli('--devices', '5', '--fps', '10', '--network', 'wifi', '--payload', '30KB', '--duration', '2', '--json');
    const j = JSON.parse(json.out) as { simulated: { framesSent: number } };
    assert.equal(j.simulated.framesSent, 100);
  });

  it('a user network profile file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-sim-'));
    const file = join(dir, 'net.json');
    writeFileSync(file, JSON.stringify({ ...getNetworkProfile('5g'), name: 'lab' }));
    const { code, out } = await cli('--payload', '10KB', '--network-file', file, '--runs', '1');
    assert.equal(code, 0);
    assert.match(out, /lab: uplink 50 Mbit\/s/);
    writeFileSync(file, JSON.stringify({ ...getNetworkProfile('5g'), uplinkBps: -1 }));
    await assert.rejects(cli('--payload', '10KB', '--network-file', file), /field "uplinkBps"/);
  });

  it('bad input is a clear error', async () => {
    await assert.rejects(cli('--payload', '10KB', '--network', '3g'), /unknown network "3g" \(known: 4g, 5g, ethernet, lpwan, wifi\)/);
    await assert.rejects(cli('--payload', '10XB', '--network', '4g'), /--payload: unknown unit/);
    await assert.rejects(cli('--payload', '10KB', '--bandwidth=-3mbit', '--rtt', '5ms'), /--bandwidth must be > 0/);
    await assert.rejects(cli('--payload', '10KB', '--bandwidth', '10mbit'), /say which network/);
    await assert.rejects(cli('--network', '4g'), /--payload SIZE is required/);
    await assert.rejects(cli('--payload', '1KB', '--network', '4g', '--loss', '5x'), /expected a percentage/);
    await assert.rejects(cli('--payload', '1KB', '--network', '4g', '--cc', 'vegas'), /--cc must be bbr, cubic or reno, got "vegas"/);
    await assert.rejects(cli('--payload', '1KB', '--network', '4g', '--devices', '3'), /needs both --devices N and --fps F/);
  });
});
