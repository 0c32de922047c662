import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { postJson, request } from '../../test-support/serve/http.js';

/** ONNX STRING in and out: an echo, and the count of elements (Size) beside it. */
function stringNet(): ModelProto {
  const b = new ModelBuilder({ name: 'strings' });
  const s = b.input('s', 'string', ['N', 2]);
  b.output(b.node('Identity', [s], {}, 'same'), 'string', ['N', 2]);
  b.output(b.node('Size', [s], {}, 'count'), 'int64', []);
  return b.build();
}

describe('BYTES tensors (ONNX strings)', () => {
  let server: RunningServer;
  let batched: RunningServer;
  before(async () => {
    server = await startServer([await ServedModel.load('strings', stringNet(), stringNet())]);
    batched = await startServer([await ServedModel.load('strings', stringNet(), stringNet(), { batching: { maxBatch: 8, maxDelayMs: 50 } })]);
  });
  after(async () => {
    await server?.close();
    await batched?.close();
  });

  it('metadata says BYTES, and JSON strings go through ORT and back', async () => {
    const meta = await request(`${server.url}/v2/models/strings`);
    assert.deepEqual((meta.json as { inputs: unknown[] }).inputs, [{ name: 's', datatype: 'BYTES', shape: [-1, 2] }]);
    const r = await postJson(`${server.url}/v2/models/strings/infer`, { inputs: [{ name: 's', datatype: 'BYTES', shape: [2, 2], data: ['hello', 'wörld', '', '✂ cut'] }] });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const outs = (r.json as { outputs: { name: string; datatype: string; data: unknown[] }[] }).outputs;
    assert.deepEqual(outs.find((o) => o.name === 'same'), { name: 'same', datatype: 'BYTES', shape: [2, 2], data: ['hello', 'wörld', '', '✂ cut'] });
    assert.deepEqual(outs.find((o) => o.name === 'count')?.data, [4]);
  });

  it('binary BYTES (length-prefixed) round-trip exactly; invalid UTF-8 is a 400', async () => {
    const enc = new TextEncoder();
    const data = ['a', 'bc', 'déf', ''].map((x) => enc.encode(x));
    const body = encodeInferRequest({ inputs: [{ name: 's', datatype: 'BYTES', shape: [2, 2], data }], parameters: { binary_data_output: true } });
    const r = await request(`${server.url}/v2/models/strings/infer`, { body: body.body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(body.headerLength) } });
    assert.equal(r.status, 200, new TextDecoder().decode(r.body));
    const res = decodeInferResponse(r.body, Number(r.headers.get('inference-header-content-length')));
    assert.deepEqual((res.outputs.find((o) => o.name === 'same')?.data as Uint8Array[]).map((b) => new TextDecoder().decode(b)), ['a', 'bc', 'déf', '']);
    const bad = encodeInferRequest({ inputs: [{ name: 's', datatype: 'BYTES', shape: [1, 2], data: [Uint8Array.of(0xff, 0xfe), enc.encode('ok')] }] });
    const e = await request(`${server.url}/v2/models/strings/infer`, { body: bad.body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(bad.headerLength) } });
    assert.equal(e.status, 400);
    assert.match(new TextDecoder().decode(e.body), /BYTES element 0 is not UTF-8/);
  });

  it('dynamic batching merges string requests and splits the answers back', async () => {
    const rows = [['a', 'b'], ['c', 'd'], ['e', 'f']];
    const answers = await Promise.all(rows.map((row) => postJson(`${batched.url}/v2/models/strings/infer`, { inputs: [{ name: 's', datatype: 'BYTES', shape: [1, 2], data: row }], outputs: undefined })));
    for (const [k, a] of answers.entries()) {
      assert.equal(a.status, 200, JSON.stringify(a.json));
      assert.deepEqual((a.json as { outputs: { name: string; data: unknown[] }[] }).outputs.find((o) => o.name === 'same')?.data, rows[k]);
    }
  });
});
