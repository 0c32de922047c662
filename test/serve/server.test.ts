import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeModel } from '../../src/onnx/codec.js';
import { Session } from '../../src/runtime/session.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { ECHO_TYPES, echoNet } from '../../test-support/serve/echo-net.js';
import { postJson, request } from '../../test-support/serve/http.js';
import { splitNet } from '../../test-support/serve/split-net.js';
import { VERSION } from '../../src/version.js';

function image(seed: number, n = 1): Float32Array {
  return Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7919 + seed * 104729) % 255) / 255);
}

describe('v2 server', () => {
  let server: RunningServer;
  let direct: Session;
  before(async () => {
    const full = splitNet('full');
    const models = [
      await ServedModel.load('full', full, full),
      await ServedModel.load('echo', echoNet(), echoNet()),
    ];
    server = await startServer(models, { bodyLimitBytes: 1 << 20 });
    direct = await Session.fromModel(encodeModel(full));
  });
  after(async () => {
    await server?.close();
    await direct?.release();
  });

  it('GET /v2, health and metadata endpoints answer as the v2 spec says', async () => {
    const meta = await request(`${server.url}/v2`);
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.json, { name: 'cleave', version: VERSION, extensions: ['binary_tensor_data'] });
    assert.equal((await request(`${server.url}/v2/health/live`)).status, 200);
    assert.equal((await request(`${server.url}/v2/health/ready`)).status, 200);
    const m = await request(`${server.url}/v2/models/full`);
    assert.deepEqual(m.json, {
      name: 'full', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
    });
    assert.deepEqual((await request(`${server.url}/v2/models/full/versions/1`)).json, m.json);
    assert.deepEqual((await request(`${server.url}/v2/models/full/ready`)).json, { name: 'full', ready: true });
    assert.equal((await request(`${server.url}/v2/models/full/versions/1/ready`)).status, 200);
  });

  it('unknown models, versions and routes are 404 with an {"error"} body', async () => {
    for (const path of ['/v2/models/nope', '/v2/models/nope/ready', '/v2/models/full/versions/2', '/v2/nothing']) {
      const r = await request(`${server.url}${path}`);
      assert.equal(r.status, 404, path);
      assert.equal(typeof (r.json as { error: unknown }).error, 'string', path);
    }
    const r = await postJson(`${server.url}/v2/models/nope/infer`, { inputs: [] });
    assert.equal(r.status, 404);
    assert.match((r.json as { error: string }).error, /unknown model "nope"/);
  });

  it('JSON infer returns what ORT computes on the same model', async () => {
    const x = image(1, 2);
    const r = await postJson(`${server.url}/v2/models/full/infer`, {
      id: 'req-1', inputs: [{ name: 'x', shape: [2, 1, 28, 28], datatype: 'FP32', data: Array.from(x) }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const body = r.json as { id: string; model_name: string; model_version: string; outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    assert.equal(body.id, 'req-1');
    assert.equal(body.model_name, 'full');
    assert.equal(body.model_version, '1');
    const want = await direct.run({ x: { dtype: 'float32', dims: [2, 1, 28, 28], data: x } });
    assert.deepEqual(body.outputs[0]?.shape, [2, 10]);
    assert.equal(body.outputs[0]?.datatype, 'FP32');
    assert.deepEqual(body.outputs[0]?.data, Array.from(want.logits?.data as Float32Array));
  });

  it('infer through /versions/{v}: the served version answers, another is 404', async () => {
    const body = { inputs: [{ name: 'x', shape: [1, 1, 28, 28], datatype: 'FP32', data: Array.from(image(2)) }] };
    const ok = await postJson(`${server.url}/v2/models/full/versions/1/infer`, body);
    assert.equal(ok.status, 200);
    assert.equal((ok.json as { model_version: string }).model_version, '1');
    const missing = await postJson(`${server.url}/v2/models/full/versions/7/infer`, body);
    assert.equal(missing.status, 404);
    assert.match((missing.json as { error: string }).error, /no version "7"/);
  });

  it('nested JSON data is accepted in row-major order', async () => {
    const r = await postJson(`${server.url}/v2/models/echo/infer`, {
      inputs: ECHO_TYPES.map(([dtype, datatype, shape]) => ({
        name: `in_${dtype}`, datatype, shape: shape.map((d) => (d === -1 ? 1 : d)),
        data: datatype === 'BOOL' ? [true, false] : datatype === 'UINT8' ? [[1, 2], [3, 4]] : datatype === 'FP32' ? [[1.5, -2], [3, 4]]
          : datatype === 'INT64' ? [[-5, 6, 7]] : datatype === 'UINT16' ? [1, 2, 3] : datatype === 'FP16' ? [0.5, -1, 2, 65504] : [1, -1].map((v) => (datatype.startsWith('U') ? Math.abs(v) : v)),
      })),
      outputs: [{ name: 'out_uint8' }, { name: 'out_bool' }, { name: 'out_float16' }, { name: 'out_int64' }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const outs = (r.json as { outputs: { name: string; data: unknown[]; datatype: string }[] }).outputs;
    assert.deepEqual(outs.map((o) => o.name), ['out_uint8', 'out_bool', 'out_float16', 'out_int64']);
    assert.deepEqual(outs[0]?.data, [1, 2, 3, 4]);
    assert.deepEqual(outs[1]?.data, [true, false]);
    assert.deepEqual(outs[2]?.data, [0.5, -1, 2, 65504]);
    assert.deepEqual(outs[3]?.data, [-5, 6, 7]);
  });

  it('binary inputs and outputs round-trip every datatype exactly', async () => {
    const inputs = ECHO_TYPES.map(([dtype, datatype, shape]) => {
      const dims = shape.map((d) => (d === -1 ? 2 : d));
      const n = dims.reduce((a, b) => a * b, 1);
      const vals = Array.from({ length: n }, (_, i) => i + 1);
      const data = datatype === 'BOOL' ? Uint8Array.from(vals, (v) => v % 2)
        : datatype === 'UINT8' ? Uint8Array.from(vals) : datatype === 'INT8' ? Int8Array.from(vals, (v) => -v)
        : datatype === 'UINT16' || datatype === 'FP16' ? Uint16Array.from(vals, (v) => v * 1000) : datatype === 'INT16' ? Int16Array.from(vals, (v) => -v * 300)
        : datatype === 'UINT32' ? Uint32Array.from(vals, (v) => v * 4e9 / 5) : datatype === 'INT32' ? Int32Array.from(vals, (v) => -v * 1e9)
        : datatype === 'UINT64' ? BigUint64Array.from(vals, (v) => BigInt(v) << 60n) : datatype === 'INT64' ? BigInt64Array.from(vals, (v) => -(BigInt(v) << 55n))
        : datatype === 'FP32' ? Float32Array.from(vals, (v) => v / 3) : Float64Array.from(vals, (v) => v / 7);
      return { name: `in_${dtype}`, datatype, shape: dims, data };
    });
    const enc = encodeInferRequest({ inputs, parameters: { binary_data_output: true } });
    const r = await request(`${server.url}/v2/models/echo/infer`, {
      body: enc.body, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(enc.headerLength) },
    });
    assert.equal(r.status, 200, new TextDecoder().decode(r.body));
    const hl = Number(r.headers.get('inference-header-content-length'));
    const res = decodeInferResponse(r.body, hl);
    for (const inp of inputs) {
      const out = res.outputs.find((o) => o.name === inp.name.replace('in_', 'out_'));
      assert.ok(out, inp.name);
      assert.equal(out.datatype, inp.datatype);
      assert.deepEqual(out.shape, inp.shape);
      assert.deepEqual(Array.from(out.data as ArrayLike<number>), Array.from(inp.data as ArrayLike<number>), inp.name);
    }
  });

  it('binary_data per output mixes binary and JSON outputs in one reply', async () => {
    const x = image(3);
    const enc = encodeInferRequest({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: x }], outputs: [{ name: 'logits', parameters: { binary_data: false } }] });
    const r = await request(`${server.url}/v2/models/full/infer`, { body: enc.body, headers: { 'inference-header-content-length': String(enc.headerLength) } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('inference-header-content-length'), null);
    assert.equal((r.json as { outputs: { data: number[] }[] }).outputs[0]?.data.length, 10);
  });

  const bad: [string, () => Promise<{ status: number; json: unknown }>, number, RegExp][] = [
    ['a body that is not JSON', () => request(`${server.url}/v2/models/full/infer`, { body: '{"inputs": [', headers: { 'content-type': 'application/json' } }), 400, /not valid JSON/],
    ['an empty body', () => request(`${server.url}/v2/models/full/infer`, { body: '', headers: { 'content-type': 'application/json' } }), 400, /no body/],
    ['a header length past the body', () => request(`${server.url}/v2/models/full/infer`, { body: '{"inputs":[]}', headers: { 'inference-header-content-length': '999' } }), 400, /Inference-Header-Content-Length/],
    ['a header length that is not a number', () => request(`${server.url}/v2/models/full/infer`, { body: '{"inputs":[]}', headers: { 'inference-header-content-length': '-3' } }), 400, /byte count/],
    ['a header length cutting the JSON', () => request(`${server.url}/v2/models/full/infer`, { body: '{"inputs":[]}', headers: { 'inference-header-content-length': '5' } }), 400, /JSON/],
    ['a wrong shape', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 27], data: new Array(756).fill(0) }] }), 400, /takes shape \[-1, 1, 28, 28\]/],
    ['a wrong datatype', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP64', shape: [1, 1, 28, 28], data: new Array(784).fill(0) }] }), 400, /takes FP32, got FP64/],
    ['an unknown datatype', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FLOAT', shape: [1], data: [0] }] }), 400, /not a v2 datatype/],
    ['data count not matching the shape', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: [1, 2, 3] }] }), 400, /3 values given/],
    ['a string in FP32 data', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: ['a'] }] }), 400, /needs numbers/],
    ['an unknown input', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: [0] }] }), 400, /no input "y"/],
    ['a missing input', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [] }), 400, /needs input "x"/],
    ['an unknown output', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: new Array(784).fill(0) }], outputs: [{ name: 'zzz' }] }), 400, /no output "zzz"/],
    ['inputs that are not an array', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: {} }), 400, /must be an array/],
    ['an out-of-range INT8', () => postJson(`${server.url}/v2/models/echo/infer`, { inputs: [{ name: 'in_int8', datatype: 'INT8', shape: [2], data: [1, 300] }] }), 400, /not a INT8 value/],
    ['a body over the size limit', () => request(`${server.url}/v2/models/full/infer`, { body: new Uint8Array(2 << 20), headers: { 'content-type': 'application/octet-stream' } }), 413, /./],
    ['a shape with more elements than the limit', () => postJson(`${server.url}/v2/models/full/infer`, { inputs: [{ name: 'x', datatype: 'FP32', shape: [1 << 20, 1 << 20], data: [] }] }), 400, /more than the limit/],
  ];
  for (const [what, send, status, message] of bad) {
    it(`rejects ${what} with ${status} and an {"error"} body`, async () => {
      const r = await send();
      assert.equal(r.status, status, JSON.stringify(r.json));
      const err = (r.json as { error?: unknown }).error;
      assert.equal(typeof err, 'string');
      assert.match(err as string, message);
    });
  }

  it('rejects binary sizes that do not add up, both ways', async () => {
    const x = new Float32Array(784);
    const enc = encodeInferRequest({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: x }] });
    const hl = enc.headerLength!;
    const extra = new Uint8Array(enc.body.length + 4);
    extra.set(enc.body);
    const short = enc.body.subarray(0, enc.body.length - 4);
    for (const [body, re] of [[extra, /add up to 3136 bytes, but 3140/], [short, /runs past/]] as const) {
      const r = await request(`${server.url}/v2/models/full/infer`, { body, headers: { 'inference-header-content-length': String(hl) } });
      assert.equal(r.status, 400);
      assert.match((r.json as { error: string }).error, re);
    }
    // binary_data_size that matches the bytes but not the shape
    const header = new TextEncoder().encode(JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], parameters: { binary_data_size: 8 } }] }));
    const body = new Uint8Array(header.length + 8);
    body.set(header);
    const r = await request(`${server.url}/v2/models/full/infer`, { body, headers: { 'inference-header-content-length': String(header.length) } });
    assert.equal(r.status, 400);
    assert.match((r.json as { error: string }).error, /8 bytes of FP32 data given, shape \[1, 1, 28, 28\] needs 3136/);
  });

  it('serves concurrent requests, each getting its own answer, and keeps serving after errors', async () => {
    const xs = Array.from({ length: 16 }, (_, k) => image(k + 10));
    const replies = await Promise.all(xs.map((x, k) => postJson(`${server.url}/v2/models/full/infer`, {
      id: `c${k}`, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1, 28, 28], data: Array.from(x) }],
    })));
    for (const [k, r] of replies.entries()) {
      assert.equal(r.status, 200);
      const body = r.json as { id: string; outputs: { data: number[] }[] };
      assert.equal(body.id, `c${k}`);
      const want = await direct.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: xs[k]! } });
      assert.deepEqual(body.outputs[0]?.data, Array.from(want.logits?.data as Float32Array));
    }
  });

  it('/metrics counts requests by status and errors by code in Prometheus format', async () => {
    const r = await request(`${server.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
    const text = new TextDecoder().decode(r.body);
    assert.match(text, /# TYPE cleave_inference_duration_seconds histogram/);
    const ok = /cleave_inference_requests_total\{model="full",status="200"\} (\d+)/.exec(text);
    assert.ok(ok && Number(ok[1]) >= 18, text);
    assert.match(text, /cleave_inference_errors_total\{model="full",code="BAD_REQUEST"\} \d+/);
    assert.match(text, /cleave_inference_requests_total\{model="_unknown",status="404"\} \d+/);
    assert.match(text, /cleave_inference_duration_seconds_bucket\{model="full",le="\+Inf"\} \d+/);
  });
});
