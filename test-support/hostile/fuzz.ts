import assert from 'node:assert/strict';
import { Random } from '../../src/graph/random.js';
import { encodeRequestFrame } from '../../src/protocol/stream-frame.js';
import { type RawOutcome, type Step, exchange } from './raw-client.js';
import { encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { INFER_PATH, goodFrame, goodHttp, goodJson, goodRequest, httpRequest } from './requests.js';
import { CASE_DEADLINE_MS, type HostileTarget, expectNothingHeld } from './target.js';

/**
 * A mutation fuzzer for the server: valid HTTP requests and stream frames, damaged by a few
 * random edits (bytes changed, digits changed, numbers blown up, slices cut, repeated or
 * inserted, truncation), sent in random pieces, then the client half-closes. Each run must end
 * in replies with a 2xx, 4xx or 503 status and a v2 error body when not 200, or a closed
 * connection, before the deadline; never a 500, never a hang, never bytes that are not replies;
 * and once its connection is gone the server holds none of its bytes.
 */
export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
}

/** How many runs ended each way ("HTTP 400", "stream 200", "HTTP closed", ...). */
export type FuzzTally = Record<string, number>;

type Mutation = (rng: Random, b: Uint8Array) => Uint8Array;

const randomBytes = (rng: Random, n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.int(256));
const at = (rng: Random, b: Uint8Array): number => rng.int(Math.max(1, b.length));
const splice = (b: Uint8Array, start: number, removed: number, inserted: Uint8Array = new Uint8Array(0)): Uint8Array =>
  new Uint8Array([...b.subarray(0, start), ...inserted, ...b.subarray(start + removed)]);

/** Positions of ASCII digits in `b`. */
function digits(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x30 && b[i]! <= 0x39) out.push(i);
  return out;
}

const MUTATIONS: readonly Mutation[] = [
  // a few bytes set to anything
  (rng, b) => { const c = b.slice(); for (let k = 1 + rng.int(8); k > 0; k--) c[at(rng, c)] = rng.int(256); return c; },
  // a digit changed: lengths, shapes, sizes in headers and JSON
  (rng, b) => { const d = digits(b); const c = b.slice(); if (d.length) c[d[rng.int(d.length)]!] = 0x30 + rng.int(10); return c; },
  // a number blown up
  (rng, b) => { const d = digits(b); return d.length ? splice(b, d[rng.int(d.length)]!, 1, new TextEncoder().encode('99999999999')) : b; },
  // the 32-bit fields of a frame header set to extremes
  (rng, b) => { const c = b.slice(); const v = [0, 1, 0x7fffffff, 0xffffffff][rng.int(4)]!; new DataView(c.buffer).setUint32(4 * rng.int(Math.min(4, c.length >> 2)), v, true); return c; },
  // cut short
  (rng, b) => b.subarray(0, at(rng, b)),
  // a slice removed
  (rng, b) => { const s = at(rng, b); return splice(b, s, rng.int(Math.min(256, b.length - s) + 1)); },
  // a slice repeated
  (rng, b) => { const s = at(rng, b); const part = b.slice(s, s + 1 + rng.int(512)); return splice(b, at(rng, b), 0, part); },
  // random bytes inserted
  (rng, b) => splice(b, at(rng, b), 0, randomBytes(rng, 1 + rng.int(64))),
];

const ALLOWED = (status: number): boolean => (status >= 200 && status < 300) || (status >= 400 && status < 500) || status === 503;

function checkError(body: string, what: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    assert.fail(`${what}: error body is not JSON: ${body.slice(0, 200)}`);
  }
  assert.equal(typeof (parsed as { error?: unknown }).error, 'string', `${what}: not a v2 error body: ${body.slice(0, 200)}`);
}

/** Checks one run's outcome and names it for the tally. */
function judge(o: RawOutcome, protocol: 'HTTP' | 'stream', what: string): string {
  assert.equal(o.hung, false, `${what}: no answer and no close within ${CASE_DEADLINE_MS} ms`);
  assert.equal(o.leftover, 0, `${what}: ${o.leftover} bytes back that are not whole replies: ${JSON.stringify(o.leftoverText)}`);
  const statuses = protocol === 'HTTP' ? o.replies.map((r) => r.status) : o.frames.map((f) => f.status);
  for (const s of statuses) assert.ok(ALLOWED(s), `${what}: status ${s}`);
  if (protocol === 'HTTP') for (const r of o.replies) if (r.status !== 200) checkError(r.body, what);
  if (protocol === 'stream') for (const f of o.frames) if (f.status !== 200) checkError(new TextDecoder().decode(f.body), what);
  return statuses.length ? `${protocol} ${statuses[0]}` : `${protocol} closed`;
}

/**
 * The messages the fuzzer starts from. Each is a body and how to frame it: half the runs damage
 * the framed bytes anywhere, half damage the body alone and frame it again with lengths that
 * agree, so the v2 decoder sees damaged bodies as often as the framing sees damaged bytes.
 */
interface Seed {
  readonly protocol: 'HTTP' | 'stream';
  readonly body: Uint8Array;
  frame(body: Uint8Array): Uint8Array;
}

function seeds(): Seed[] {
  const binary = encodeInferRequest(goodRequest(1));
  const json = new TextEncoder().encode(goodJson(2));
  const binaryHeaders = { 'inference-header-content-length': String(binary.headerLength) };
  return [
    { protocol: 'HTTP', body: binary.body, frame: (b) => httpRequest(b, binaryHeaders) },
    { protocol: 'HTTP', body: json, frame: (b) => httpRequest(b, { 'content-type': 'application/json' }) },
    { protocol: 'HTTP', body: binary.body, frame: (b) => Buffer.concat([httpRequest(b, binaryHeaders), goodHttp(4)]) },
    { protocol: 'stream', body: binary.body, frame: (b) => encodeRequestFrame(1, INFER_PATH, b, binary.headerLength) },
    { protocol: 'stream', body: json, frame: (b) => encodeRequestFrame(1, INFER_PATH, b) },
    { protocol: 'stream', body: binary.body, frame: (b) => new Uint8Array([...encodeRequestFrame(1, INFER_PATH, b, binary.headerLength), ...goodFrame(2, 3)]) },
  ];
}

/** Runs the fuzzer against `t`; throws on the first run that breaks the rules, naming seed and run. */
export async function fuzzServer(t: HostileTarget, options: FuzzOptions): Promise<FuzzTally> {
  const rng = new Random(options.seed);
  const base = seeds();
  const tally: FuzzTally = {};
  for (let run = 0; run < options.runs; run++) {
    const seed = base[rng.int(base.length)]!;
    const damage = (b: Uint8Array) => {
      for (let k = 1 + rng.int(3); k > 0; k--) b = MUTATIONS[rng.int(MUTATIONS.length)]!(rng, b);
      return b;
    };
    const protocol = seed.protocol;
    const m = rng.int(2) === 0 ? damage(seed.frame(seed.body)) : seed.frame(damage(seed.body));
    // Sent in up to four pieces with short pauses, so the server sees partial reads.
    const steps: Step[] = [];
    const cuts = Array.from({ length: rng.int(4) }, () => at(rng, m)).sort((a, b) => a - b);
    let from = 0;
    for (const c of [...cuts, m.length]) {
      if (c > from) steps.push({ write: m.subarray(from, c) }, { wait: rng.int(3) });
      from = Math.max(from, c);
    }
    steps.push({ end: true });
    const o = await exchange({ port: protocol === 'HTTP' ? t.httpPort : t.streamPort, protocol: protocol === 'HTTP' ? 'http' : 'stream', steps, deadlineMs: CASE_DEADLINE_MS });
    const what = `fuzz seed ${options.seed} run ${run} (${protocol})`;
    const name = judge(o, protocol, what);
    // Every run's body bytes come back once its connection is gone: a leak is named by its run.
    await expectNothingHeld(t, what);
    tally[name] = (tally[name] ?? 0) + 1;
  }
  return tally;
}
