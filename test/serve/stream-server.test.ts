import assert from 'node:assert/strict';
import { type Socket, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeModel } from '../../src/onnx/codec.js';
import { Session } from '../../src/runtime/session.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { FrameReader, type ReplyFrame, encodeRequestFrame } from '../../src/protocol/stream-frame.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { splitNet } from '../../test-support/serve/split-net.js';

function image(seed: number, n = 1): Float32Array {
  return Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7919 + seed * 104729) % 255) / 255);
}

/** A raw stream client: writes bytes, collects reply frames until the server closes or `count` arrive. */
class RawClient {
  readonly socket: Socket;
  readonly replies: ReplyFrame[] = [];
  readonly closed: Promise<void>;
  private readonly reader = new FrameReader(1 << 24);
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(url: string) {
    const u = new URL(url);
    this.socket = connect({ host: u.hostname, port: Number(u.port) });
    this.socket.on('data', (c: Buffer) => {
      for (const f of this.reader.push(c)) if (f.kind === 'reply') this.replies.push(f);
      this.waiters = this.waiters.filter((w) => (this.replies.length >= w.count ? (w.resolve(), false) : true));
    });
    this.closed = new Promise((r) => this.socket.on('close', () => r()));
  }

  async until(count: number): Promise<ReplyFrame[]> {
    if (this.replies.length < count) await new Promise<void>((resolve) => this.waiters.push({ count, resolve }));
    return this.replies;
  }
}

const JSON_LIMIT = 1 << 15;

const inferBody = (seed: number, id = `r${seed}`) =>
  encodeInferRequest({ id, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: image(seed) }], parameters: { binary_data_output: true } });

describe('stream transport (server side)', () => {
  let server: RunningServer;
  let direct: Session;
  before(async () => {
    const full = splitNet('full');
    server = await startServer([await ServedModel.load('full', full, full)], { streamPort: 0, bodyLimitBytes: 1 << 16, jsonLimitBytes: JSON_LIMIT });
    direct = await Session.fromModel(encodeModel(full));
  });
  after(async () => {
    await server?.close();
    await direct?.release();
  });

  it('answers pipelined requests on one connection, each reply tagged with its request', async () => {
    assert.match(server.streamUrl ?? '', /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const c = new RawClient(server.streamUrl!);
    const tags = [11, 3, 250, 7];
    for (const [k, tag] of tags.entries()) {
      const b = inferBody(k);
      c.socket.write(encodeRequestFrame(tag, '/v2/models/full/infer', b.body, b.headerLength));
    }
    const replies = await c.until(tags.length);
    assert.deepEqual(replies.map((r) => r.tag).sort((a, b) => a - b), [...tags].sort((a, b) => a - b));
    for (const r of replies) {
      const k = tags.indexOf(r.tag);
      assert.equal(r.status, 200);
      const res = decodeInferResponse(r.body, r.headerLength);
      assert.equal(res.id, `r${k}`);
      const want = (await direct.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: image(k) } })).logits;
      assert.deepEqual(Array.from(res.outputs[0]?.data as Float32Array), Array.from(want?.data as Float32Array));
    }
    c.socket.end();
  });

  it('bad requests get their v2 error status and the connection keeps serving', async () => {
    const c = new RawClient(server.streamUrl!);
    const good = inferBody(1);
    const cases: [Uint8Array, number, RegExp][] = [
      [encodeRequestFrame(1, '/v2/models/nope/infer', good.body, good.headerLength), 404, /unknown model "nope"/],
      [encodeRequestFrame(2, '/v2/models/full/versions/9/infer', good.body, good.headerLength), 404, /no version "9"/],
      [encodeRequestFrame(3, '/v2/health/live', good.body, good.headerLength), 400, /not \/v2\/models\/NAME/],
      [encodeRequestFrame(4, '/v2/models/full/infer', new TextEncoder().encode('not json')), 400, /not valid JSON/],
      [encodeRequestFrame(5, '/v2/models/full/infer', good.body, good.headerLength! + 4), 400, /JSON|binary/],
      [encodeRequestFrame(6, '/v2/models/full/infer', good.body, good.headerLength), 200, /^/],
    ];
    for (const [frame] of cases) c.socket.write(frame);
    const replies = await c.until(cases.length);
    for (const [k, [, status, message]] of cases.entries()) {
      const r = replies.find((x) => x.tag === k + 1)!;
      assert.equal(r.status, status, `case ${k + 1}`);
      if (status !== 200) assert.match((JSON.parse(new TextDecoder().decode(r.body)) as { error: string }).error, message);
    }
    c.socket.end();
  });

  it('garbage or an oversized frame: one error reply (tag 0), the connection closes, the server serves on', async () => {
    for (const bytes of [new TextEncoder().encode('GET /v2 HTTP/1.1\r\n\r\n'), encodeRequestFrame(1, '/v2/models/full/infer', new Uint8Array(1 << 17))]) {
      const c = new RawClient(server.streamUrl!);
      c.socket.write(bytes.subarray(0, 64));
      await c.closed;
      assert.equal(c.replies.length, 1);
      assert.equal(c.replies[0]?.tag, 0);
      assert.equal(c.replies[0]?.status, 400);
      assert.match(new TextDecoder().decode(c.replies[0]?.body), /larger than the limit/);
    }
    const c = new RawClient(server.streamUrl!);
    const b = inferBody(2);
    c.socket.write(encodeRequestFrame(9, '/v2/models/full/infer', b.body, b.headerLength));
    assert.equal((await c.until(1))[0]?.status, 200);
    c.socket.end();
  });

  it('a valid frame then garbage in one TCP chunk: the valid request is answered, then the error (tag 0), then the close', async () => {
    const c = new RawClient(server.streamUrl!);
    const b = inferBody(3);
    const frame = encodeRequestFrame(21, '/v2/models/full/infer', b.body, b.headerLength);
    c.socket.write(new Uint8Array([...frame, ...new TextEncoder().encode('garbage garbage garbage')]));
    await c.closed;
    assert.deepEqual(c.replies.map((r) => [r.tag, r.status]), [[21, 200], [0, 400]]);
    assert.equal(decodeInferResponse(c.replies[0]!.body, c.replies[0]?.headerLength).id, 'r3');
  });

  it('a frame whose JSON is over the JSON limit gets a 413 naming the limit; the connection serves on', async () => {
    const c = new RawClient(server.streamUrl!);
    const json = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: Array.from(image(4)) }], pad: 'x'.repeat(1 << 15) }));
    c.socket.write(encodeRequestFrame(1, '/v2/models/full/infer', json));
    const b = inferBody(4);
    c.socket.write(encodeRequestFrame(2, '/v2/models/full/infer', b.body, b.headerLength));
    const replies = await c.until(2);
    const r1 = replies.find((r) => r.tag === 1)!;
    assert.equal(r1.status, 413);
    assert.match(new TextDecoder().decode(r1.body), new RegExp(`JSON limit of ${JSON_LIMIT} bytes`));
    assert.equal(replies.find((r) => r.tag === 2)?.status, 200);
    c.socket.end();
  });

  it('counts stream requests in /metrics like REST ones', async () => {
    const text = server.metrics.render();
    assert.match(text, /model="full",status="200"/);
    assert.match(text, /model="_unknown",status="404"/);
  });
});

describe('stream transport idle connections', () => {
  it('a connection idle past the timeout is closed by the server; a new one is served', async () => {
    const full = splitNet('full');
    const server = await startServer([await ServedModel.load('full', full, full)], { streamPort: 0, idleTimeoutMs: 150 });
    try {
      const c = new RawClient(server.streamUrl!);
      const b = inferBody(1);
      c.socket.write(encodeRequestFrame(1, '/v2/models/full/infer', b.body, b.headerLength));
      assert.equal((await c.until(1))[0]?.status, 200);
      await c.closed; // closed by the server once idle, not by this client
      const d = new RawClient(server.streamUrl!);
      d.socket.write(encodeRequestFrame(2, '/v2/models/full/infer', b.body, b.headerLength));
      assert.equal((await d.until(1))[0]?.status, 200);
      d.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('stream transport shutdown', () => {
  it('close() answers requests in flight, then closes the connections', async () => {
    const full = splitNet('full');
    // Requests wait in the batcher (max delay 60 s) until close() flushes them.
    const server = await startServer([await ServedModel.load('full', full, full, { batching: { maxBatch: 64, maxDelayMs: 60_000 } })], { streamPort: 0 });
    const c = new RawClient(server.streamUrl!);
    for (let k = 0; k < 3; k++) {
      const b = inferBody(k);
      c.socket.write(encodeRequestFrame(k + 1, '/v2/models/full/infer', b.body, b.headerLength));
    }
    while (server.metrics.inflight < 3) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    await c.closed;
    assert.deepEqual(c.replies.map((r) => r.status), [200, 200, 200]);
  });
});
