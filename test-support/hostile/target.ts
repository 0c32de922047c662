import assert from 'node:assert/strict';
import type { ConnectionLimits } from '../../src/serve/limits.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { decodeInferResponse } from '../../src/protocol/v2-wire.js';
import { splitNet } from '../serve/split-net.js';
import { exchange } from './raw-client.js';
import { MODEL, goodFrame, goodHttp } from './requests.js';

/**
 * The limits the hostile suite serves with: small enough that every limit is reached in
 * milliseconds and kilobytes, so each case ends quickly; the same code paths as the defaults.
 */
export const HOSTILE_LIMITS = {
  bodyLimitBytes: 1 << 20,
  jsonLimitBytes: 64 << 10,
  maxPendingBodyBytes: 4 << 20,
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  idleTimeoutMs: 1500,
  maxConnections: 24,
} as const satisfies ConnectionLimits;

/** How long any case may take before it counts as hung: every limit above is far shorter. */
export const CASE_DEADLINE_MS = 15_000;

export interface HostileTarget {
  readonly server: RunningServer;
  readonly httpPort: number;
  readonly streamPort: number;
  readonly limits: typeof HOSTILE_LIMITS;
}

/** Serves split-net "full" over HTTP and the stream port with HOSTILE_LIMITS. */
export async function startTarget(): Promise<HostileTarget> {
  const full = splitNet('full');
  const server = await startServer([await ServedModel.load(MODEL, full, full)], { streamPort: 0, ...HOSTILE_LIMITS });
  return { server, httpPort: server.port, streamPort: Number(new URL(server.streamUrl!).port), limits: HOSTILE_LIMITS };
}

/** The server still answers a good request on both transports, with the right request id. */
export async function expectServing(t: HostileTarget, seed: number): Promise<void> {
  const http = await exchange({ port: t.httpPort, protocol: 'http', steps: [{ write: goodHttp(seed) }], replies: 1, deadlineMs: CASE_DEADLINE_MS });
  assert.equal(http.replies[0]?.status, 200, `HTTP after the case: ${JSON.stringify(http.replies[0] ?? http)}`);
  const stream = await exchange({ port: t.streamPort, protocol: 'stream', steps: [{ write: goodFrame(7, seed) }], replies: 1, deadlineMs: CASE_DEADLINE_MS });
  const f = stream.frames[0];
  assert.ok(f, 'no reply on the stream port after the case');
  assert.equal(f.status, 200, 'stream after the case');
  assert.equal(decodeInferResponse(f.body, f.headerLength).id, `good-${seed}`);
}

/** Request body bytes the server holds now, from its /metrics gauge. */
export function heldBytes(t: HostileTarget): number {
  const m = /^cleave_request_body_bytes_held (\d+)$/m.exec(t.server.metrics.render());
  assert.ok(m, '/metrics has no cleave_request_body_bytes_held');
  return Number(m[1]);
}

/**
 * Waits until the server holds no request body bytes: every case's bytes come back once its
 * connections are gone. Fails (with what is still held) when they do not within the deadline.
 */
export async function expectNothingHeld(t: HostileTarget, what = 'the case'): Promise<void> {
  const until = Date.now() + CASE_DEADLINE_MS;
  while (heldBytes(t) !== 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  assert.equal(heldBytes(t), 0, `request body bytes still held after ${what}`);
}
