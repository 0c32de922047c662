// Child process of bench/serve: serves the bench model's tail (and whole model) with cleave's
// v2 server, so the load generator and the client do not share the server's event loop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '../../src/onnx/model-file.js';
import { serveModels } from '../../src/serve/serve-models.js';
import { benchNet } from './bench-net.js';

const [threadsArg, maxBatchArg, widthArg] = process.argv.slice(2);
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
