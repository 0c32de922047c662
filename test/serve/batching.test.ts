import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeTensor } from '../../src/compress/codec.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { Session } from '../../src/runtime/session.js';
import { startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { fromBinary } from '../../src/protocol/datatypes.js';
import { postJson, request } from '../../test-support/serve/http.js';
import { CUT_SHAPE, splitNet } from '../../test-support/serve/split-net.js';

function cutTensor(seed: number): Float32Array {
  return Float32Array.from({ length: 8 * 14 * 14 }, (_, i) => Math.max(0, Math.sin(i * 0.37 + seed)));
}

describe('v2 server: batching, codecs, shutdown', () => {
  it('dynamic batching gives every request the answer it would get alone', async () => {
    const tail = splitNet('tail');
    const server = await startServer([await ServedModel.load('tail', tail, tail, { batching: { maxBatch: 4, maxDelayMs: 20 } })]);
    const direct = await Session.fromModel(encodeModel(tail));
    try {
      const xs = Array.from({ length: 10 }, (_, k) => cutTensor(k));
      const replies = await Promise.all(xs.map((x) => postJson(`${server.url}/v2/models/tail/infer`, {
        inputs: [{ name: 'cut', datatype: 'FP32', shape: [1, ...CUT_SHAPE], data: Array.from(x) }],
      })));
      for (const [k, r] of replies.entries()) {
        assert.equal(r.status, 200);
        const want = await direct.run({ cut: { dtype: 'float32', dims: [1, ...CUT_SHAPE], data: xs[k]! } });
        const got = (r.json as { outputs: { shape: number[]; data: number[] }[] }).outputs[0];
        assert.deepEqual(got?.shape, [1, 10]);
        const w = Array.from(want.logits?.data as Float32Array);
        got?.data.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) < 1e-5, `request ${k}`));
      }
    } finally {
      await server.close();
      await direct.release();
    }
  });

  it('decodes every cut codec from the request parameters before running the tail', async () => {
    const tail = splitNet('tail');
    const server = await startServer([await ServedModel.load('tail', tail, tail)]);
    const direct = await Session.fromModel(encodeModel(tail));
    try {
      const x = cutTensor(1);
      const dims = [1, ...CUT_SHAPE];
      const want = Array.from((await direct.run({ cut: { dtype: 'float32', dims, data: x } })).logits?.data as Float32Array);
      for (const codec of ['fp32', 'fp16', 'int8', 'int8-channel'] as const) {
        for (const deflate of [false, true]) {
          const e = await encodeTensor({ dims, data: x }, { name: codec, deflate });
          const enc = encodeInferRequest({ inputs: [{ name: 'cut', datatype: e.datatype, shape: e.shape, data: fromBinary(e.datatype, e.shape, e.bytes, 'cut'), parameters: e.parameters }], parameters: { binary_data_output: true } });
          const r = await request(`${server.url}/v2/models/tail/infer`, { body: enc.body, headers: { 'inference-header-content-length': String(enc.headerLength) } });
          assert.equal(r.status, 200, new TextDecoder().decode(r.body));
          const got = decodeInferResponse(r.body, Number(r.headers.get('inference-header-content-length'))).outputs[0]?.data as Float32Array;
          const tol = codec === 'fp32' ? 0 : codec === 'fp16' ? 1e-2 : 0.2;
          got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= tol, `${codec}${deflate ? '+deflate' : ''}: ${v} vs ${want[i]}`));
        }
      }
    } finally {
      await server.close();
      await direct.release();
    }
  });

  it('graceful shutdown answers the request in flight, then refuses connections', async () => {
    const tail = splitNet('tail');
    // A long batching delay keeps the request waiting inside the server when close() starts.
    const server = await startServer([await ServedModel.load('tail', tail, tail, { batching: { maxBatch: 64, maxDelayMs: 60_000 } })]);
    let closed = false;
    try {
      const pending = postJson(`${server.url}/v2/models/tail/infer`, { inputs: [{ name: 'cut', datatype: 'FP32', shape: [1, ...CUT_SHAPE], data: Array.from(cutTensor(2)) }] });
      while (server.metrics.inflight === 0) await new Promise((r) => setTimeout(r, 5));
      const closing = server.close();
      const r = await pending;
      assert.equal(r.status, 200);
      await closing;
      closed = true;
      await assert.rejects(request(`${server.url}/v2/health/live`));
    } finally {
      if (!closed) await server.close();
    }
  });

  it('over the in-flight limit a request gets a 503 at once, and the one in flight still completes', async () => {
    const tail = splitNet('tail');
    // The first request waits in the batcher (long delay) until close() drains it.
    const server = await startServer([await ServedModel.load('tail', tail, tail, { batching: { maxBatch: 64, maxDelayMs: 60_000 } })], { maxInflight: 1 });
    let closing: Promise<void> | undefined;
    try {
      const body = { inputs: [{ name: 'cut', datatype: 'FP32', shape: [1, ...CUT_SHAPE], data: Array.from(cutTensor(3)) }] };
      const first = postJson(`${server.url}/v2/models/tail/infer`, body);
      while (server.metrics.inflight === 0) await new Promise((r) => setTimeout(r, 5));
      const second = await postJson(`${server.url}/v2/models/tail/infer`, body);
      assert.equal(second.status, 503);
      assert.match((second.json as { error: string }).error, /in flight/);
      closing = server.close();
      assert.equal((await first).status, 200);
    } finally {
      await (closing ?? server.close());
    }
  });
});
