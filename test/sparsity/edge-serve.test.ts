import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { runCommand } from '../../src/cli/run.js';
import { serveCommand } from '../../src/cli/serve.js';
import { cutModel } from '../../src/cut/extract.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { argmaxRows, EdgeClient } from '../../src/edge/client.js';
import { nodeRuntime } from '../../src/edge/node-runtime.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { loadModels, modelSources } from '../../src/serve/repository.js';
import { startServer } from '../../src/serve/server.js';
import { densify } from '../../src/sparsity/densify.js';
import { presentRecords } from '../../src/sparsity/metadata.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { runModel } from '../../test-support/sparsity/models.js';

const TOLERANCE = 1e-5;
const CUT = 'block2.pool';
const IMAGES = 6;

/** A whole small VGG made sparse (head and tail layers), cut at block2.pool into a folder. */
function sparseSplit(structured: boolean): { whole: ModelProto; dir: string } {
  const model = smallVgg({ seed: 4, width: 0.25, batchNorm: 'seeded' });
  const { model: whole } = sparsify(model, { density: 0.25, seed: 2, structured });
  const parts = cutModel(analyze(graphFromModel(whole), { batch: 1 }), [CUT]);
  // Both sides hold sparse layers: the tail that is served, the head that the edge runs.
  assert.ok(presentRecords(parts.head).length >= 2 && presentRecords(parts.tail).length >= 3);
  const dir = mkdtempSync(join(tmpdir(), 'cleave-sparse-serve-'));
  writeModel(join(dir, 'head.onnx'), parts.head);
  writeModel(join(dir, 'tail.onnx'), parts.tail);
  return { whole, dir };
}

function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let [diff, scale] = [0, 0];
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
  }
  return diff / scale;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => { out.push(s); }, stderr: (s: string) => { err.push(s); } }, out, err };
}

describe('a sparse split model on the edge client (Node runtime) and cleave serve', () => {
  for (const structured of [false, true]) {
    const form = structured ? 'structured' : 'compact';
    it(`${form}: the head run by the edge client, the tail served from its file: scores equal the masked dense model to 1e-5`, async () => {
      const { whole, dir } = sparseSplit(structured);
      // loadModels is what `cleave serve DIR` runs: the file's own bytes go to ONNX Runtime.
      const served = await loadModels(modelSources([join(dir, 'tail.onnx')]));
      const server = await startServer(served);
      const head = await nodeRuntime({ threads: 1 }).load(new Uint8Array(readFileSync(join(dir, 'head.onnx'))));
      try {
        const client = new EdgeClient({ serverUrl: server.url, model: 'tail', head, retry: { timeoutMs: 15_000, retries: 1 } });
        const ds = loadDataset('fashion-mnist', 'test', { limit: IMAGES });
        const masked = densify(whole);
        for (let i = 0; i < IMAGES; i++) {
          const x = makeBatch(ds, [i], 10).x;
          const p = await client.predict({ input: { dtype: 'float32', dims: [1, 1, 28, 28], data: x } });
          assert.equal(p.origin, 'server', p.fallbackReason);
          const want = (await runModel(masked, { input: { dtype: 'float32', dims: [1, 1, 28, 28], data: x } })).logits!.data as Float32Array;
          assert.ok(relativeError(p.scores.data as Float32Array, want) < TOLERANCE, `image ${i}`);
        }
      } finally {
        await head.release();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('compact: `cleave serve` on the cut folder and `cleave run --head` answer every image from the server, with the masked dense model\'s labels', async () => {
    const { whole, dir } = sparseSplit(false);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => { stop = r; });
    const s = capture();
    const serving = serveCommand.run([dir, '--port', '0', '--json', '--no-page'], { ...s.io, stop: stopped });
    try {
      while (s.out.length === 0) await new Promise((r) => setTimeout(r, 10));
      const info = JSON.parse(s.out[0]!) as { url: string; models: string[] };
      assert.deepEqual(info.models, ['head', 'tail']);
      const r = capture();
      const code = await runCommand.run(['--server', info.url, '--head', dir, '--dataset', 'fashion-mnist', '--count', String(IMAGES), '--json'], r.io);
      assert.equal(code, 0, r.err.join(''));
      const res = JSON.parse(r.out.join('')) as { origins: Record<string, number>; results: { label: number }[] };
      assert.deepEqual(res.origins, { server: IMAGES });
      const ds = loadDataset('fashion-mnist', 'test', { limit: IMAGES });
      const b = makeBatch(ds, Array.from({ length: IMAGES }, (_, i) => i), 10);
      const logits = (await runModel(densify(whole), { input: { dtype: 'float32', dims: [IMAGES, 1, 28, 28], data: b.x } })).logits!;
      assert.deepEqual(res.results.map((x) => x.label), argmaxRows({ dtype: 'float32', dims: logits.dims, data: logits.data as Float32Array }));
    } finally {
      stop();
      assert.equal(await serving, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
