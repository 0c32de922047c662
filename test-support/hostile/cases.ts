import assert from 'node:assert/strict';
import { encodeReplyFrame, encodeRequestFrame } from '../../src/protocol/stream-frame.js';
import { encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { type RawOutcome, type Step, exchange } from './raw-client.js';
import { INFER_PATH, goodFrame, goodHttp, goodJson, goodRequest, httpRequest, jsonFrame, pixels } from './requests.js';
import { CASE_DEADLINE_MS, type HostileTarget } from './target.js';

/**
 * The hostile cases the server is held to, each with what it must get. docs/hostile-inputs.md
 * shows this table (a test checks they agree); test/serve/hostile.test.ts runs every case and
 * then checks that the server still answers a good request on both transports.
 */
export interface HostileCase {
  readonly id: string;
  readonly transport: 'HTTP' | 'stream';
  /** what the client does */
  readonly does: string;
  /** what it must get */
  readonly gets: string;
  run(t: HostileTarget): Promise<void>;
}

const MiB = 1 << 20;
const encoder = new TextEncoder();

/** The body of an HTTP error reply must be v2's {"error": "..."}; returns the message. */
function v2Error(body: string): string {
  const parsed = JSON.parse(body) as { error?: unknown };
  assert.equal(typeof parsed.error, 'string', `not a v2 error body: ${body}`);
  return parsed.error as string;
}

/** The first HTTP reply has `status` and a v2 error matching `message`; `closed` says whether the server must have closed. */
function expectHttp(o: RawOutcome, status: number, message: RegExp, closed?: boolean): void {
  assert.equal(o.hung, false, 'the case hung');
  const r = o.replies[0];
  assert.ok(r, `no reply (closed: ${o.closed})`);
  assert.equal(r.status, status, r.body);
  assert.match(v2Error(r.body), message);
  if (closed !== undefined) assert.equal(o.closed, closed, closed ? 'the server should close the connection' : 'the connection should stay open');
}

/** The stream replies, by tag: [tag, status, message] each; the last must be followed by the close when `closed`. */
function expectFrames(o: RawOutcome, want: readonly (readonly [number, number, RegExp])[], closed: boolean): void {
  assert.equal(o.hung, false, 'the case hung');
  assert.deepEqual(o.frames.map((f) => [f.tag, f.status]), want.map(([tag, status]) => [tag, status]));
  for (const [k, [, status, message]] of want.entries()) {
    if (status !== 200) assert.match(v2Error(new TextDecoder().decode(o.frames[k]?.body)), message);
  }
  assert.equal(o.closed, closed, closed ? 'the server should close the connection' : 'the connection should stay open');
}

const http = (t: HostileTarget, steps: readonly Step[], replies?: number) =>
  exchange({ port: t.httpPort, protocol: 'http', steps, deadlineMs: CASE_DEADLINE_MS, ...(replies !== undefined ? { replies } : {}) });
const stream = (t: HostileTarget, steps: readonly Step[], replies?: number) =>
  exchange({ port: t.streamPort, protocol: 'stream', steps, deadlineMs: CASE_DEADLINE_MS, ...(replies !== undefined ? { replies } : {}) });

/** An HTTP case sending one request (JSON unless headers say binary) and expecting one error reply. */
function httpBad(id: string, does: string, body: string | Uint8Array, status: number, message: RegExp, why: string, headers: Record<string, string> = {}): HostileCase {
  return {
    id, transport: 'HTTP', does, gets: `${status}: ${why}`,
    run: async (t) => expectHttp(await http(t, [{ write: httpRequest(body, { 'content-type': 'application/json', ...headers }) }], 1), status, message),
  };
}

/** A stream case sending one frame whose request is wrong: its error reply, and the connection serves on. */
function streamBad(id: string, does: string, frame: Uint8Array, status: number, message: RegExp, why: string): HostileCase {
  return {
    id, transport: 'stream', does, gets: `${status} reply with its tag (${why}); the connection serves on`,
    run: async (t) => {
      const o = await stream(t, [{ write: frame }, { write: goodFrame(2) }], 2);
      expectFrames(o, [[1, status, message], [2, 200, /^/]], false);
    },
  };
}

/** A stream case whose bytes break the stream: one error reply (tag 0 unless given) and the close. */
function streamBroken(id: string, does: string, steps: readonly Step[], status: number, message: RegExp, gets: string, before: readonly (readonly [number, number, RegExp])[] = [], tag = 0): HostileCase {
  return {
    id, transport: 'stream', does, gets,
    run: async (t) => expectFrames(await stream(t, steps), [...before, [tag, status, message]], true),
  };
}

/** A request whose one input is `tensor` (JSON). */
const jsonWith = (tensor: Record<string, unknown>): string => JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: Array.from(pixels(1)), ...tensor }] });
const deep = (levels: number): string => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
/** A request whose tensor data is `data`, JSON text as given (too deep for JSON.stringify to build). */
const jsonWithData = (data: string): string => `{"inputs":[{"name":"x","datatype":"FP32","shape":[1,1,28,28],"data":${data}}]}`;
const bigJson = (bytes: number): string => JSON.stringify({ inputs: JSON.parse(jsonWith({})).inputs, pad: 'x'.repeat(bytes) });

function goodBinary(): { body: Uint8Array; headerLength: number } {
  const e = encodeInferRequest(goodRequest(1));
  return { body: e.body, headerLength: e.headerLength! };
}

/** `n` connections at once, each sending `steps`; their outcomes. */
const crowd = (n: number, open: () => Promise<RawOutcome>): Promise<RawOutcome[]> => Promise.all(Array.from({ length: n }, open));

const TIMEOUT = /did not arrive in time/;

export function hostileCases(): HostileCase[] {
  const bin = goodBinary();
  const binHeaders = { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(bin.headerLength) };
  const head = (contentLength: number | string, extra: Record<string, string> = binHeaders) => httpRequest('', { ...extra, 'content-length': String(contentLength) });
  const frame = goodFrame(1);
  const withByte = (bytes: Uint8Array, at: number, value: number) => { const c = bytes.slice(); c[at] = value; return c; };
  const u32 = (n: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; };
  return [
    // --- HTTP: time ---
    {
      id: 'http-silent-connection', transport: 'HTTP', does: 'connects and sends nothing', gets: '408 after the headers timeout, then the close',
      run: async (t) => expectHttp(await http(t, []), 408, TIMEOUT, true),
    },
    {
      id: 'http-slow-headers', transport: 'HTTP', does: 'sends its headers one byte every 50 ms', gets: '408 after the headers timeout, then the close',
      run: async (t) => expectHttp(await http(t, [{ trickle: goodHttp(1).subarray(0, 200), everyMs: 50 }]), 408, TIMEOUT, true),
    },
    {
      id: 'http-slow-body', transport: 'HTTP', does: 'sends its body one byte every 20 ms', gets: '408 after the request timeout, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: head(bin.body.length) }, { trickle: bin.body, everyMs: 20 }]), 408, TIMEOUT, true),
    },
    {
      id: 'http-stalled-body', transport: 'HTTP', does: 'sends half its body, then nothing', gets: '408 after the request timeout, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: head(bin.body.length) }, { write: bin.body.subarray(0, bin.body.length >> 1) }]), 408, TIMEOUT, true),
    },
    {
      id: 'http-abrupt-close', transport: 'HTTP', does: 'drops the connection halfway through its body', gets: 'nothing to answer; the body bytes are given back',
      run: async (t) => {
        await http(t, [{ write: head(bin.body.length) }, { write: bin.body.subarray(0, 1000) }, { wait: 20 }, { destroy: true }]);
      },
    },
    {
      id: 'http-pipelined-then-garbage', transport: 'HTTP', does: 'sends two good requests and garbage in one TCP write', gets: '400 for the garbage, then the close; the bodies of the requests queued behind it are given back',
      run: async (t) => {
        const o = await http(t, [{ write: Buffer.concat([goodHttp(1), goodHttp(2), Buffer.from('garbage\r\n\r\n')]) }]);
        assert.equal(o.closed, true);
        const last = o.replies[o.replies.length - 1];
        assert.ok(last && last.status === 400 && /not valid HTTP\/1\.1/.test(v2Error(last.body)), JSON.stringify(o.replies));
        for (const r of o.replies.slice(0, -1)) assert.equal(r.status, 200);
      },
    },
    // --- HTTP: size ---
    {
      id: 'http-declared-too-large', transport: 'HTTP', does: 'declares an 8 GiB body', gets: '413 naming the body limit before any body is read, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: head(8 * 2 ** 30) }, { write: bin.body }]), 413, new RegExp(`limit of ${t.limits.bodyLimitBytes} bytes`), true),
    },
    {
      id: 'http-chunked-past-limit', transport: 'HTTP', does: 'sends a chunked body that never ends', gets: '413 once the body passes the body limit, then the close',
      run: async (t) => {
        const chunk = `10000\r\n${'a'.repeat(0x10000)}\r\n`;
        const o = await http(t, [{ write: httpRequest('', { ...binHeaders, 'transfer-encoding': 'chunked' }) }, ...Array.from({ length: 40 }, () => ({ write: chunk }))]);
        expectHttp(o, 413, new RegExp(`limit of ${t.limits.bodyLimitBytes} bytes`), true);
      },
    },
    {
      id: 'http-json-too-large', transport: 'HTTP', does: 'sends a JSON body over the JSON limit (within the body limit)', gets: '413 naming the JSON limit, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: httpRequest(bigJson(100 << 10), { 'content-type': 'application/json' }) }]), 413, new RegExp(`JSON limit of ${t.limits.jsonLimitBytes} bytes`), true),
    },
    httpBad('http-json-header-too-large', 'declares a binary request\'s JSON header over the JSON limit', bin.body, 413, /JSON limit/, 'over the JSON limit, then the close', { ...binHeaders, 'inference-header-content-length': String(100 << 10) }),
    {
      id: 'http-oversized-headers', transport: 'HTTP', does: 'sends 20 KB of headers', gets: '431, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: goodHttp(1, { 'x-padding': 'a'.repeat(20_000) }) }]), 431, /headers are larger/, true),
    },
    {
      id: 'http-past-pending-budget', transport: 'HTTP', does: '8 clients at once each send 900 KB of a 1 MB body and stall', gets: '503 for the bodies past the pending-body budget; 408 for the rest',
      run: async (t) => {
        const body = new Uint8Array(900 << 10);
        const all = await crowd(8, () => http(t, [{ write: head(MiB - 1000) }, { write: body }]));
        for (const o of all) assert.ok(o.replies[0] && [503, 408].includes(o.replies[0].status), JSON.stringify(o.replies));
        const refused = all.filter((o) => o.replies[0]?.status === 503);
        // 4 MiB hold at most four 900 KB bodies: the other four (at least) are refused.
        assert.ok(refused.length >= 4, `${refused.length} refused`);
        for (const o of refused) assert.match(v2Error(o.replies[0]?.body ?? ''), /request bodies from other clients \(limit 4\.0 MiB\); retry later/);
      },
    },
    {
      id: 'http-many-connections', transport: 'HTTP', does: 'opens 8 connections past the connection cap', gets: 'the extra connections are closed at once, without a reply',
      run: async (t) => {
        const all = await crowd(t.limits.maxConnections + 8, () => http(t, []));
        const dropped = all.filter((o) => o.replies.length === 0 && o.closed);
        assert.ok(dropped.length >= 8, `${dropped.length} dropped`);
        for (const o of all) if (o.replies.length > 0) assert.equal(o.replies[0]?.status, 408);
      },
    },
    // --- HTTP: content ---
    {
      id: 'http-not-http', transport: 'HTTP', does: 'sends binary garbage instead of a request line', gets: '400, then the close',
      run: async (t) => expectHttp(await http(t, [{ write: Uint8Array.of(0, 1, 2, 255, 13, 10, 13, 10) }]), 400, /not valid HTTP\/1\.1/, true),
    },
    {
      id: 'http-no-host', transport: 'HTTP', does: 'sends an HTTP/1.1 request without a Host header', gets: '400: an HTTP/1.1 request needs a Host header',
      run: async (t) => {
        const request = goodHttp(1).toString('latin1').replace(/^host: .*\r\n/im, '');
        expectHttp(await http(t, [{ write: Buffer.from(request, 'latin1') }], 1), 400, /needs a Host header/);
      },
    },
    httpBad('http-bad-json', 'sends a body that is not JSON', '{"inputs": [', 400, /not valid JSON/, 'not valid JSON'),
    httpBad('http-deep-json', 'nests its tensor data 30,000 arrays deep', jsonWithData(deep(30_000)), 400, /JSON nests deeper than 100 levels/, 'the JSON nests deeper than 100 levels (scanned before parsing)'),
    httpBad('http-deep-json-body', 'sends 30,000 nested arrays as the whole body', deep(30_000), 400, /JSON nests deeper than 100 levels/, 'the JSON nests deeper than 100 levels (scanned before parsing)'),
    httpBad('http-deep-tensor-data', 'nests its tensor data 80 arrays deep', jsonWithData(deep(80)), 400, /data nested deeper than 64 levels/, 'tensor data nests deeper than 64 levels'),
    httpBad('http-wrong-datatype', 'sends FP64 where the model takes FP32', jsonWith({ datatype: 'FP64' }), 400, /takes FP32, got FP64/, 'the input takes FP32'),
    httpBad('http-wrong-shape', 'sends shape [1, 1, 28, 27]', jsonWith({ shape: [1, 1, 28, 27], data: Array.from(pixels(1).subarray(0, 756)) }), 400, /takes shape \[-1, 1, 28, 28\]/, 'the input takes [-1, 1, 28, 28]'),
    httpBad('http-data-not-shape', 'sends 10 values for a shape of 784', jsonWith({ data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }), 400, /10 values given, shape \[1, 1, 28, 28\] needs 784/, '10 values given, the shape needs 784'),
    httpBad('http-data-not-numbers', 'sends a string among FP32 data', jsonWith({ data: [...Array.from(pixels(1).subarray(1)), 'x'] }), 400, /element 783 is string, FP32 needs numbers/, 'element 783 is not a number'),
    httpBad('http-huge-shape', 'declares shape [1e9, 1, 28, 28]', jsonWith({ shape: [1e9, 1, 28, 28] }), 400, /elements, more than the limit/, 'more elements than the limit'),
    httpBad('http-negative-dim', 'declares shape [-1, 1, 28, 28]', jsonWith({ shape: [-1, 1, 28, 28] }), 400, /non-negative integers/, 'dims must be non-negative integers'),
    httpBad('http-header-length-past-body', 'says its JSON header is longer than its body', bin.body, 400, /Inference-Header-Content-Length is \d+, but the body has/, 'the JSON header runs past the body', { ...binHeaders, 'inference-header-content-length': String(bin.body.length + 10) }),
    httpBad('http-header-length-not-a-number', 'sends Inference-Header-Content-Length: abc', bin.body, 400, /must be a byte count, got "abc"/, 'not a byte count', { ...binHeaders, 'inference-header-content-length': 'abc' }),
    httpBad('http-binary-size-past-end', 'declares more binary bytes than it sends', bin.body.subarray(0, bin.body.length - 16), 400, /runs past the \d+ bytes of binary data/, 'binary_data_size runs past the data', binHeaders),
    {
      id: 'http-unknown-model', transport: 'HTTP', does: 'posts to a model the server does not hold', gets: '404, {"error"} naming the models held',
      run: async (t) => expectHttp(await http(t, [{ write: httpRequest(goodJson(), { 'content-type': 'application/json' }, '/v2/models/nope/infer') }], 1), 404, /unknown model "nope"; this server holds "full"/),
    },
    // --- stream: framing ---
    streamBroken('stream-not-frames', 'sends an HTTP request to the stream port', [{ write: goodHttp(1) }], 400, /larger than the limit/, '400 (tag 0) saying why, then the close'),
    streamBroken('stream-good-then-garbage', 'sends a good frame and garbage in one TCP write', [{ write: Buffer.concat([frame, Buffer.from('garbage garbage garbage')]) }], 400, /larger than the limit/,
      'the good frame\'s 200 reply, then 400 (tag 0), then the close', [[1, 200, /^/]]),
    streamBroken('stream-length-too-large', 'sends a frame length of 4 GiB - 16', [{ write: Buffer.concat([u32(0xfffffff0), frame.subarray(4)]) }], 400, /larger than the limit/, '400 (tag 0) before any of it is buffered, then the close'),
    streamBroken('stream-length-too-short', 'sends a frame length of 8', [{ write: Buffer.concat([u32(8), frame.subarray(4, 12)]) }], 400, /shorter than a frame header/, '400 (tag 0), then the close'),
    streamBroken('stream-bad-version', 'sends frame version 9', [{ write: withByte(frame, 4, 9) }], 400, /version 9 is not supported/, '400 (tag 0), then the close'),
    streamBroken('stream-bad-kind', 'sends frame kind 3', [{ write: withByte(frame, 5, 3) }], 400, /kind 3/, '400 (tag 0), then the close'),
    streamBroken('stream-reply-frame', 'sends a reply frame', [{ write: encodeReplyFrame(5, 200, encoder.encode('{}')) }], 400, /only request frames are accepted/, '400 with its tag, then the close', [], 5),
    streamBroken('stream-path-past-frame', 'declares a path longer than its frame', [{ write: withByte(jsonFrame(1, '{}'), 7, 4) }], 400, /does not fit/, '400 (tag 0), then the close'),
    streamBroken('stream-path-not-utf8', 'sends a path that is not UTF-8', [{ write: withByte(frame, 16, 0xff) }], 400, /not valid UTF-8/, '400 (tag 0), then the close'),
    // --- stream: time ---
    streamBroken('stream-stalled-frame', 'sends half a frame, then nothing', [{ write: frame.subarray(0, frame.length >> 1) }], 408, /took more than \d+ ms to arrive/, '408 (tag 0) after the request timeout, then the close'),
    streamBroken('stream-slow-frame', 'sends a frame one byte every 20 ms', [{ trickle: frame, everyMs: 20 }], 408, /took more than \d+ ms to arrive/, '408 (tag 0) after the request timeout, then the close'),
    streamBroken('stream-ends-inside-frame', 'sends half a frame and half-closes', [{ write: frame.subarray(0, 100) }, { end: true }], 400, /ended the stream inside a frame/, '400 (tag 0), then the close'),
    {
      id: 'stream-half-close', transport: 'stream', does: 'sends three good frames and half-closes at once', gets: 'the three 200 replies, then the close',
      run: async (t) => expectFrames(await stream(t, [{ write: Buffer.concat([goodFrame(1), goodFrame(2), goodFrame(3)]) }, { end: true }]), [[1, 200, /^/], [2, 200, /^/], [3, 200, /^/]], true),
    },
    {
      id: 'stream-silent-connection', transport: 'stream', does: 'connects and sends nothing', gets: 'closed after the idle timeout, no reply',
      run: async (t) => {
        const o = await stream(t, []);
        assert.equal(o.hung, false);
        assert.equal(o.closed, true);
        assert.equal(o.frames.length, 0);
      },
    },
    {
      id: 'stream-abrupt-close', transport: 'stream', does: 'drops the connection halfway through a frame', gets: 'nothing to answer; the frame\'s bytes are given back',
      run: async (t) => {
        await stream(t, [{ write: frame.subarray(0, 1000) }, { wait: 20 }, { destroy: true }]);
      },
    },
    {
      id: 'stream-past-pending-budget', transport: 'stream', does: '8 clients at once each send 900 KB of a 1 MB frame and stall', gets: '503 (tag 0) for the frames past the pending-body budget, then the close; 408 for the rest',
      run: async (t) => {
        const big = encodeRequestFrame(1, INFER_PATH, new Uint8Array(MiB - 1000), 10);
        const all = await crowd(8, () => stream(t, [{ write: big.subarray(0, 900 << 10) }]));
        for (const o of all) {
          assert.equal(o.closed, true);
          assert.ok(o.frames.length === 1 && [503, 408].includes(o.frames[0]?.status ?? 0));
        }
        assert.ok(all.filter((o) => o.frames[0]?.status === 503).length >= 4);
      },
    },
    {
      id: 'stream-many-connections', transport: 'stream', does: 'opens 8 connections past the connection cap', gets: '503 (tag 0) on each extra connection, then the close',
      run: async (t) => {
        const all = await crowd(t.limits.maxConnections + 8, () => stream(t, [], 1));
        const refused = all.filter((o) => o.frames[0]?.status === 503);
        // The cap holds: at least the 8 past it are refused; more when connections of the cases
        // before are still being closed by the server (10 seen under load).
        assert.ok(refused.length >= 8, `${refused.length} refused`);
        for (const o of refused) assert.match(v2Error(new TextDecoder().decode(o.frames[0]?.body)), /stream connections open, its limit/);
      },
    },
    // --- stream: content ---
    streamBad('stream-bad-path', 'sends a frame for /v2/health/live', encodeRequestFrame(1, '/v2/health/live', bin.body, bin.headerLength), 400, /is not \/v2\/models\/NAME/, 'not an infer path'),
    streamBad('stream-unknown-model', 'sends a frame for a model the server does not hold', encodeRequestFrame(1, '/v2/models/nope/infer', bin.body, bin.headerLength), 404, /unknown model "nope"/, 'unknown model'),
    streamBad('stream-bad-json', 'sends a body that is not JSON', jsonFrame(1, '{"inputs": ['), 400, /not valid JSON/, 'not valid JSON'),
    streamBad('stream-json-too-large', 'sends a JSON body over the JSON limit', jsonFrame(1, bigJson(100 << 10)), 413, /JSON limit of \d+ bytes/, 'over the JSON limit'),
    streamBad('stream-deep-json', 'nests its tensor data 30,000 arrays deep', jsonFrame(1, jsonWithData(deep(30_000))), 400, /JSON nests deeper than 100 levels/, 'nests deeper than 100 levels'),
    streamBad('stream-wrong-datatype', 'sends INT32 where the model takes FP32', jsonFrame(1, jsonWith({ datatype: 'INT32', data: new Array(784).fill(1) })), 400, /takes FP32, got INT32/, 'the input takes FP32'),
    streamBad('stream-wrong-shape', 'sends shape [1, 784]', jsonFrame(1, jsonWith({ shape: [1, 784] })), 400, /takes shape/, 'the input takes [-1, 1, 28, 28]'),
    streamBad('stream-header-length-past-body', 'says its JSON header is longer than its body', encodeRequestFrame(1, INFER_PATH, bin.body, bin.body.length + 10), 400, /Inference-Header-Content-Length is \d+, but the body has/, 'the JSON header runs past the body'),
  ];
}

/** The markdown table of the cases, as docs/hostile-inputs.md shows it. */
export function hostileTable(cases: readonly HostileCase[]): string[] {
  return cases.map((c) => `| \`${c.id}\` | ${c.transport} | ${c.does} | ${c.gets} |`);
}
