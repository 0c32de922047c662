// Child process of bench/serve: serves the bench model's tail (and whole model) with cleave's
// v2 server, so the load generator and the client do not share the server's event loop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '../../src/onnx/model-file.js';
import { serveModels } from '../../src/serve/serve-models.js';
import { benchNet } from './bench-net.js';
import { benchArgs } from '../common/args.js';

const { positionals } = benchArgs({
  script: 'bench/serve/server-child.js',
  description: `Child process of bench/serve (main.js): serves the bench model's tail and whole model with cleave's
v2 server (THREADS ORT threads, dynamic batching up to MAX_BATCH when > 0, model WIDTH) and
prints its URLs as one JSON line.`,
  options: {},
  positionals: { min: 0, max: 3, usage: '[THREADS [MAX_BATCH [WIDTH]]]' },
});
const [threadsArg, maxBatchArg, widthArg] = positionals;
const width = Number(widthArg ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'cleave-bench-serve-'));
writeModel(join(dir, 'tail.onnx'), benchNet('tail', width));
writeModel(join(dir, 'full.onnx'), benchNet('full', width));
const threads = Number(threadsArg ?? 1);
const maxBatch = Number(maxBatchArg ?? 0);
const { server } = await serveModels([dir], {
  threads, page: false, streamPort: 0, ...(maxBatch > 0 ? { batching: { maxBatch, maxDelayMs: 1 } } : {}),
});
process.stdout.write(`${JSON.stringify({ url: server.url, streamUrl: server.streamUrl })}\n`);
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)); });
