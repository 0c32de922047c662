import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVER_MS_PARAMETER, serverMsOf, TIMING_REQUEST_PARAMETER } from '../../src/protocol/server-time.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { specExampleNet } from '../../test-support/serve/echo-net.js';
import { postJson } from '../../test-support/serve/http.js';

describe('the server\'s own time in the reply', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer([await ServedModel.load('mymodel', specExampleNet(), specExampleNet())]);
  });
  after(async () => {
    await server?.close();
  });

  const body = (parameters?: Record<string, unknown>) => ({
    ...(parameters ? { parameters } : {}),
    inputs: [
      { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
      { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
    ],
    outputs: [{ name: 'output0' }],
  });

  it('asked for, the reply carries cleave_server_ms: a time >= 0 in ms', async () => {
    const r = await postJson(`${server.url}/v2/models/mymodel/infer`, body({ [TIMING_REQUEST_PARAMETER]: true }));
    assert.equal(r.status, 200);
    const params = (r.json as { parameters?: Record<string, number> }).parameters;
    assert.deepEqual(Object.keys(params ?? {}), [SERVER_MS_PARAMETER]);
    const ms = params?.[SERVER_MS_PARAMETER]!;
    assert.ok(Number.isFinite(ms) && ms >= 0 && ms < 60_000, `${ms}`);
    assert.equal(serverMsOf(params), ms);
  });

  it('not asked for (or asked with anything but true), the reply has no parameters', async () => {
    for (const p of [undefined, { [TIMING_REQUEST_PARAMETER]: false }, { [TIMING_REQUEST_PARAMETER]: 'yes' }]) {
      const r = await postJson(`${server.url}/v2/models/mymodel/infer`, body(p));
      assert.equal(r.status, 200);
      assert.equal((r.json as { parameters?: unknown }).parameters, undefined);
    }
  });

  it('serverMsOf reads nothing from a missing, negative or non-numeric value', () => {
    assert.equal(serverMsOf(undefined), 0);
    assert.equal(serverMsOf({ [SERVER_MS_PARAMETER]: -3 }), 0);
    assert.equal(serverMsOf({ [SERVER_MS_PARAMETER]: 'x' }), 0);
    assert.equal(serverMsOf({ [SERVER_MS_PARAMETER]: 2.5 }), 2.5);
  });
});
