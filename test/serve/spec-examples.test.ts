import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { decodeInferResponse } from '../../src/protocol/v2-wire.js';
import { specExampleNet } from '../../test-support/serve/echo-net.js';
import { postJson, request } from '../../test-support/serve/http.js';
import { VERSION } from '../../src/version.js';

// The request bodies of the KServe v2 protocol's and Triton's binary extension's examples,
// written out by hand as a client would send them (BOOL data completed to match its shape).
describe('v2 spec examples', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer([await ServedModel.load('mymodel', specExampleNet(), specExampleNet())]);
  });
  after(async () => {
    await server?.close();
  });

  it('the JSON inference request example', async () => {
    const r = await postJson(`${server.url}/v2/models/mymodel/infer`, {
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
      ],
      outputs: [{ name: 'output0' }],
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(r.json, {
      model_name: 'mymodel', model_version: '1', id: '42',
      outputs: [{ name: 'output0', datatype: 'UINT32', shape: [2, 2], data: [1, 2, 3, 4] }],
    });
  });

  it('the binary tensor data example: two binary inputs, one binary and one JSON output', async () => {
    const header = JSON.stringify({
      model_name: 'mymodel',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', parameters: { binary_data_size: 16 } },
        { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
      ],
      outputs: [{ name: 'output0', parameters: { binary_data: true } }, { name: 'output1' }],
    });
    const json = Buffer.from(header);
    const input0 = Buffer.alloc(16);
    [1, 2, 3, 4].forEach((v, i) => input0.writeUInt32LE(v, i * 4));
    const body = Buffer.concat([json, input0, Buffer.from([1, 0, 1])]);
    const r = await request(`${server.url}/v2/models/mymodel/infer`, {
      body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) },
    });
    assert.equal(r.status, 200, new TextDecoder().decode(r.body));
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    const hl = Number(r.headers.get('inference-header-content-length'));
    const head = JSON.parse(new TextDecoder().decode(r.body.subarray(0, hl))) as { outputs: { name: string; parameters?: { binary_data_size: number }; data?: unknown[] }[] };
    assert.deepEqual(head.outputs[0]?.parameters, { binary_data_size: 16 });
    assert.equal(head.outputs[0]?.data, undefined);
    assert.deepEqual(head.outputs[1]?.data, [false, true, false]);
    assert.equal(r.body.length, hl + 16);
    const res = decodeInferResponse(r.body, hl);
    assert.deepEqual(Array.from(res.outputs[0]?.data as Uint32Array), [1, 2, 3, 4]);
  });

  it('server metadata, model metadata and readiness examples', async () => {
    assert.deepEqual((await request(`${server.url}/v2`)).json, { name: 'cleave', version: VERSION, extensions: ['binary_tensor_data'] });
    assert.deepEqual((await request(`${server.url}/v2/models/mymodel`)).json, {
      name: 'mymodel', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input0', datatype: 'UINT32', shape: [2, 2] }, { name: 'input1', datatype: 'BOOL', shape: [3] }],
      outputs: [{ name: 'output0', datatype: 'UINT32', shape: [2, 2] }, { name: 'output1', datatype: 'BOOL', shape: [3] }],
    });
    const ready = await request(`${server.url}/v2/models/mymodel/ready`);
    assert.equal(ready.status, 200);
  });

  it('CORS, when enabled: preflight allowed with the binary header, replies expose it; off by default', async () => {
    const cors = await startServer([await ServedModel.load('mymodel', specExampleNet(), specExampleNet())], { corsOrigin: 'http://edge.example' });
    try {
      const pre = await request(`${cors.url}/v2/models/mymodel/infer`, { method: 'OPTIONS', headers: { origin: 'http://edge.example', 'access-control-request-method': 'POST' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), 'http://edge.example');
      assert.match(pre.headers.get('access-control-allow-headers') ?? '', /inference-header-content-length/);
      const r = await postJson(`${cors.url}/v2/models/mymodel/infer`, { inputs: [{ name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] }, { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, true, false] }] });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('access-control-expose-headers') ?? '', /inference-header-content-length/);
    } finally {
      await cors.close();
    }
    assert.equal((await request(`${server.url}/v2`)).headers.get('access-control-allow-origin'), null);
  });
});
