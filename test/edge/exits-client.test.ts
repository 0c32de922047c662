import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EdgeClient } from '../../src/edge/client.js';
import { loadEdgeConfig, type LoadedEdgeConfig } from '../../src/edge/node-edge-config.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import { nodeTransport } from '../../src/edge/node-transport.js';
import type { EdgeTensor, ModelRunner } from '../../src/edge/runtime.js';
import { readModel } from '../../src/onnx/model-file.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { type ExitDeployment, exitNet, exitNetInput, exitNetLayers, writeExitDeployment } from '../../test-support/edge/exit-net.js';

/** Max softmax of one row of logits, in float64 (the reference for the client's decision). */
function maxSoftmax(t: EdgeTensor): number {
  const z = Array.from(t.data as Float32Array, Number);
  const m = Math.max(...z);
  return 1 / z.reduce((s, v) => s + Math.exp(v - m), 0);
}

function closeTo(got: EdgeTensor, want: EdgeTensor, what: string): void {
  const a = got.data as Float32Array;
  const b = want.data as Float32Array;
  assert.equal(a.length, b.length, what);
  const scale = Math.max(...Array.from(b, Math.abs));
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= 1e-4 * scale, `${what}[${i}]: ${v} vs ${b[i]}`));
}

const TAU = { exit_0_logits: 0.9, exit_1_logits: 0.4 };

describe('edge client with exits on a real server (exit net cut after block1 and after block3)', () => {
  let dir = '';
  let deployment: ExitDeployment;
  let loaded: LoadedEdgeConfig;
  let server: RunningServer;
  let full: ModelRunner;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-exits-edge-'));
    deployment = writeExitDeployment(dir, exitNet(), ['block1', 'block3'], {
      inputBytes: 3 * 64 * 64 * 4,
      layers: exitNetLayers([2, 2, 1, 0.1]),
      exits: [
        { output: 'exit_0_logits', after: 'block1', edgeMs: 0.3, exitProbability: 0.3, threshold: TAU.exit_0_logits },
        { output: 'exit_1_logits', after: 'block3', edgeMs: 0.1, exitProbability: 0.3, threshold: TAU.exit_1_logits },
      ],
    });
    loaded = await loadEdgeConfig(deployment.configPath, { threads: 1 });
    server = await startServer(await Promise.all(deployment.tails.map((t) => ServedModel.load(t.model, readModel(t.path), readModel(t.path), { threads: 1 }))));
    full = await loadRunner(readModel(deployment.fullPath), { threads: 1 });
  });
  after(async () => {
    await server?.close();
    await loaded?.release();
    await full?.release();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each cut: a confident exit in its head answers with its logits and sends nothing; the others get the tail\'s answer; counted per cut and origin', async () => {
    // Amplitudes 32, 16, 1: exit 0 sure / exit 1 sure only / neither (exit-net.ts), two seeds each.
    const inputs = [32, 16, 1].flatMap((a) => [1, 2].map((seed) => ({ x: { dtype: 'float32' as const, dims: [1, 3, 64, 64], data: exitNetInput(a, seed) } })));
    const seen: string[] = [];
    for (const cut of ['block1', 'block3']) {
      // A huge hysteresis keeps the client on the cut it starts on: this test is about exits.
      const replan = { ...loaded.options.replan!, initialCut: cut, switching: { hysteresis: 1e9 } };
      const client = new EdgeClient({ serverUrl: server.url, ...loaded.options, replan, transport: nodeTransport, retry: { timeoutMs: 30_000 } });
      for (const input of inputs) {
        const want = await full.run(input);
        const sure = (name: 'exit_0_logits' | 'exit_1_logits') => maxSoftmax(want[name]!) >= TAU[name];
        const expected = sure('exit_0_logits') ? 'exit-0' : cut === 'block3' && sure('exit_1_logits') ? 'exit-1' : 'server';
        const p = await client.predict(input);
        assert.equal(p.origin, expected, `cut ${cut}`);
        assert.equal(p.cut, cut);
        const reference = expected === 'exit-0' ? 'exit_0_logits' : expected === 'exit-1' ? 'exit_1_logits' : 'logits';
        closeTo(p.scores, want[reference]!, `${cut} ${expected}`);
        assert.equal(p.bytesSent === 0, expected !== 'server');
        seen.push(`${cut}:${expected}`);
      }
      const stats = client.stats();
      assert.equal(stats.answered, inputs.length);
      assert.equal(stats.measured, stats.byOrigin.server ?? 0);
    }
    // The inputs were chosen so that every case occurs: the test checks each of them.
    assert.deepEqual([...new Set(seen)].sort(), ['block1:exit-0', 'block1:server', 'block3:exit-0', 'block3:exit-1', 'block3:server']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const served = (model: string) => Number(new RegExp(`cleave_inference_requests_total\\{model="${model}",status="200"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    assert.equal(served('tail-block1'), seen.filter((s) => s === 'block1:server').length);
    assert.equal(served('tail-block3'), seen.filter((s) => s === 'block3:server').length);
  });

  it('the server reports its time when asked, so the estimate is of the wire alone', async () => {
    const client = new EdgeClient({ serverUrl: server.url, ...loaded.options, transport: nodeTransport, retry: { timeoutMs: 30_000 } });
    for (let seed = 0; seed < 3; seed++) await client.predict({ x: { dtype: 'float32', dims: [1, 3, 64, 64], data: exitNetInput(1, seed) } });
    const stats = client.stats();
    assert.equal(stats.measured, 3);
    assert.ok(stats.uplinkMbps! > 0);
  });
});
