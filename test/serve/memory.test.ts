import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeModel } from '../../src/onnx/model-file.js';
import { goodHttp } from '../../test-support/hostile/requests.js';
import { exchange } from '../../test-support/hostile/raw-client.js';
import { serveProcess } from '../../test-support/hostile/serve-process.js';
import { slowSenders } from '../../test-support/hostile/slow-senders.js';
import { splitNet } from '../../test-support/serve/split-net.js';

const MiB = 2 ** 20;
const HTTP_CLIENTS = 12;
const STREAM_CLIENTS = 4;
const SENT = 6 * MiB;

interface Run {
  readonly rssGrowth: number;
  readonly held: number;
  readonly refused: number;
}

/**
 * `cleave serve` in its own process; 16 clients (12 HTTP, 4 stream) each declare an 8 MiB body,
 * send 6 MiB of it and stall. Measured once the server holds every byte of every sender it did
 * not refuse (its /metrics say so): its resident memory growth and the bytes it holds.
 */
async function underSlowSenders(dir: string, pendingMb: number): Promise<Run> {
  // Timeouts far past the measurement: here the budget alone must bound the memory.
  const server = await serveProcess([dir, '--max-body-mb', '8', '--max-pending-mb', String(pendingMb), '--headers-timeout-ms', '600000', '--request-timeout-ms', '600000', '--idle-timeout-ms', '600000']);
  const port = (url: string) => Number(new URL(url).port);
  try {
    const warm = await exchange({ port: port(server.url), protocol: 'http', steps: [{ write: goodHttp(1) }], replies: 1, deadlineMs: 60_000 });
    assert.equal(warm.replies[0]?.status, 200);
    const before = await server.metrics();
    const senders = slowSenders({ httpPort: port(server.url), streamPort: port(server.streamUrl), http: HTTP_CLIENTS, stream: STREAM_CLIENTS, declaredBytes: 8 * MiB, sentBytes: SENT });
    try {
      // Settled: every sender either refused or wholly held (not a timing: a count of bytes).
      let m = await server.metrics();
      while (m.heldBytes < senders.heldIfAllIn()) {
        await new Promise((r) => setTimeout(r, 50));
        m = await server.metrics();
      }
      const good = await exchange({ port: port(server.url), protocol: 'http', steps: [{ write: goodHttp(2) }], replies: 1, deadlineMs: 60_000 });
      assert.ok(good.replies[0] && [200, 503].includes(good.replies[0].status), 'a good request is answered (or refused for the budget) while the senders stall');
      const r = senders.refused();
      return { rssGrowth: m.rssBytes - before.rssBytes, held: m.heldBytes, refused: r.http + r.stream };
    } finally {
      senders.close();
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
}

describe('server memory under slow-body clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-memory-'));
  writeModel(join(dir, 'full.onnx'), splitNet('full'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('16 clients stalling with 6 MiB bodies: the server holds at most its pending-body budget (16 MiB); with a budget that admits them all, it holds all 96 MiB', { timeout: 300_000 }, async (t) => {
    const bounded = await underSlowSenders(dir, 16);
    const unbounded = await underSlowSenders(dir, 1024);
    t.diagnostic(`resident memory growth: ${(bounded.rssGrowth / MiB).toFixed(1)} MiB with a 16 MiB budget (${bounded.refused} of 16 refused), ${(unbounded.rssGrowth / MiB).toFixed(1)} MiB with 1 GiB (${unbounded.refused} refused)`);
    // The scenario does pin memory when nothing bounds it: every byte held, RSS up by most of it.
    assert.equal(unbounded.refused, 0);
    assert.ok(unbounded.held >= 16 * SENT);
    assert.ok(unbounded.rssGrowth > 0.75 * 16 * SENT, `unbounded growth ${unbounded.rssGrowth}`);
    // With the budget: at most two 6 MiB bodies fit in 16 MiB, the rest are refused; memory stays
    // within the budget plus a generous allowance for the process's own churn.
    assert.ok(bounded.held <= 16 * MiB);
    assert.ok(bounded.refused >= 14, `${bounded.refused} refused`);
    assert.ok(bounded.rssGrowth < 16 * MiB + 48 * MiB, `bounded growth ${bounded.rssGrowth}`);
  });
});
