import { streamTransport } from '../../src/edge/stream-transport.js';
import { nearestRank } from '../../src/net/stats.js';
import type { EncodedBody } from '../../src/protocol/v2-wire.js';

export interface StreamLoad {
  /** requests kept in flight (on one connection) */
  readonly inflight: number;
  readonly requestsPerSec: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/**
 * autocannon for the stream transport: `concurrency` requests kept in flight for `seconds`,
 * pipelined on the one persistent connection the transport holds per server, each checked for a
 * 200. (autocannon speaks only HTTP.)
 */
export async function streamLoad(url: string, body: EncodedBody, concurrency: number, seconds: number): Promise<StreamLoad> {
  const headers: Record<string, string> = body.headerLength !== undefined ? { 'inference-header-content-length': String(body.headerLength) } : {};
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const r = await streamTransport(url, body.body, headers, new AbortController().signal);
      if (r.status !== 200) throw new Error(`stream load: status ${r.status}: ${new TextDecoder().decode(r.body)}`);
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { inflight: concurrency, requestsPerSec: latencies.length / elapsed, latencyP50Ms: nearestRank(latencies, 0.5), latencyP99Ms: nearestRank(latencies, 0.99) };
}
