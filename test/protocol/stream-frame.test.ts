import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { FrameReader, FrameStreamError, type ReplyFrame, type RequestFrame, encodeReplyFrame, encodeRequestFrame, parseInferPath, requestFramePrefix } from '../../src/protocol/stream-frame.js';
import { decodeInferRequest, encodeInferRequest } from '../../src/protocol/v2-wire.js';

const body = encodeInferRequest({ id: 'r1', inputs: [{ name: 'cut', datatype: 'FP32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }] });

describe('stream frames', () => {
  it('a request and a reply survive the round trip, whole or cut into single bytes', () => {
    const req = encodeRequestFrame(7, '/v2/models/tail/infer', body.body, body.headerLength);
    const rep = encodeReplyFrame(7, 404, new TextEncoder().encode('{"error":"x"}'));
    for (const chunking of [0, 1, 5]) {
      const reader = new FrameReader(1 << 20);
      const stream = new Uint8Array([...req, ...rep]);
      const frames = [];
      if (chunking === 0) frames.push(...reader.push(stream));
      else for (let p = 0; p < stream.length; p += chunking) frames.push(...reader.push(stream.slice(p, p + chunking)));
      assert.equal(frames.length, 2, `chunks of ${chunking}`);
      const [a, b] = frames as [RequestFrame, ReplyFrame];
      assert.equal(a.kind, 'request');
      assert.equal(a.tag, 7);
      assert.equal(a.path, '/v2/models/tail/infer');
      assert.equal(a.headerLength, body.headerLength);
      assert.deepEqual([...a.body], [...body.body]);
      // The tensor after the padded JSON header is viewed in place: it must sit 8-byte aligned.
      assert.equal((a.body.byteOffset + a.headerLength!) % 8, 0);
      const decoded = decodeInferRequest(a.body, a.headerLength);
      assert.deepEqual(Array.from(decoded.inputs[0]?.data as Float32Array), [1, 2, 3, 4, 5, 6]);
      assert.equal(b.kind, 'reply');
      assert.equal(b.status, 404);
      assert.equal(b.headerLength, undefined);
      assert.equal(new TextDecoder().decode(b.body), '{"error":"x"}');
    }
  });

  it('a request sent as prefix then body (how the edge client writes it) is the same frame', () => {
    const prefix = requestFramePrefix(9, '/v2/models/tail/infer', body.body.length, body.headerLength);
    assert.deepEqual([...prefix, ...body.body], [...encodeRequestFrame(9, '/v2/models/tail/infer', body.body, body.headerLength)]);
    const reader = new FrameReader(1 << 20);
    assert.deepEqual(reader.push(prefix), []);
    const [f] = reader.push(body.body) as [RequestFrame];
    assert.equal(f.tag, 9);
    assert.deepEqual(Array.from(decodeInferRequest(f.body, f.headerLength).inputs[0]?.data as Float32Array), [1, 2, 3, 4, 5, 6]);
    // The length field is 32 bits: a body it cannot describe is refused, not wrapped.
    assert.throws(() => requestFramePrefix(1, '/v2/models/tail/infer', 2 ** 32), (e: Error) => e instanceof BadRequestError && /at most 4 GiB/.test(e.message));
  });

  it('refuses a frame longer than the limit as soon as its length is read', () => {
    const reader = new FrameReader(64);
    const big = encodeRequestFrame(1, '/v2/models/m/infer', new Uint8Array(100));
    assert.throws(() => reader.push(big.slice(0, 4)), (e: Error) => e instanceof BadRequestError && /larger than the limit of 64/.test(e.message));
  });

  it('refuses garbage: an HTTP request, a wrong version, a short frame, an unknown kind', () => {
    const http = new TextEncoder().encode('POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.throws(() => new FrameReader(1 << 20).push(http), /larger than the limit/);
    const wrongVersion = encodeReplyFrame(1, 200, new Uint8Array(0));
    wrongVersion[4] = 9;
    assert.throws(() => new FrameReader(1 << 20).push(wrongVersion), /version 9 is not supported/);
    const short = new Uint8Array([4, 0, 0, 0, 1, 1, 0, 0]);
    assert.throws(() => new FrameReader(1 << 20).push(short), /shorter than a frame header/);
    const kind = encodeReplyFrame(1, 200, new Uint8Array(0));
    kind[5] = 3;
    assert.throws(() => new FrameReader(1 << 20).push(kind), /kind 3/);
    const longPath = encodeRequestFrame(1, '/v2/models/m/infer', new Uint8Array(0));
    longPath[6] = 200; // path length past the frame's end
    assert.throws(() => new FrameReader(1 << 20).push(longPath), /does not fit/);
  });

  it('garbage after whole frames in the same chunk: the error carries those frames, and the stream stays broken', () => {
    const a = encodeRequestFrame(1, '/v2/models/tail/infer', body.body, body.headerLength);
    const b = encodeRequestFrame(2, '/v2/models/tail/infer', body.body, body.headerLength);
    const garbage = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
    const reader = new FrameReader(1 << 20);
    let caught: unknown;
    try {
      reader.push(new Uint8Array([...a, ...b, ...garbage]));
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof FrameStreamError && caught instanceof BadRequestError);
    assert.deepEqual(caught.frames.map((f) => f.tag), [1, 2]);
    assert.match(caught.message, /larger than the limit/);
    assert.equal(reader.bufferedBytes, 0, 'nothing after the break is held');
    // A later chunk, even a valid frame, cannot be read past the break.
    assert.throws(() => reader.push(a), (e: unknown) => e instanceof FrameStreamError && e.frames.length === 0 && /larger than the limit/.test(e.message));
  });

  it('reads the model name and version from the path, %-escapes included', () => {
    assert.deepEqual(parseInferPath('/v2/models/tail/infer'), { name: 'tail' });
    assert.deepEqual(parseInferPath('/v2/models/my%20model/versions/2/infer'), { name: 'my model', version: '2' });
    assert.throws(() => parseInferPath('/v2/models/tail'), /is not \/v2\/models\/NAME/);
    assert.throws(() => parseInferPath('/v2/models/%E0%A4%A/infer'), /malformed %-escape/);
  });
});
