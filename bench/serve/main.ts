// bench/serve: the tail behind cleave's KServe v2 server on loopback.
//  1. the whole model run directly in ORT vs the split path (head here + encode + HTTP + server
//     tail), sequential requests at batch 1: the overhead of serving over running in-process;
//  2. autocannon against POST /v2/models/tail/infer (binary body): throughput, p50/p99 at
//     1 connection and under concurrency, with and without dynamic batching.
// Usage: node build/bench/serve/main.js [--quick]  -> table + bench/results/serve.json
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encodeTensor } from '../../src/compress/codec.js';
import { EdgeClient } from '../../src/edge/client.js';
import { nodeFetch } from '../../src/edge/node-fetch.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import type { EdgeTensor } from '../../src/edge/runtime.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { fromBinary } from '../../src/serve/datatypes.js';
import { encodeInferRequest } from '../../src/serve/v2-wire.js';
import { benchNet } from './bench-net.js';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const THREADS = 1;

async function startChild(maxBatch: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(here, 'server-child.js'), String(THREADS), String(maxBatch)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.once('line', resolve);
    child.once('exit', (c) => reject(new Error(`server child exited with ${c}`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

function stats(xs: number[]): { mean: number; p50: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p99: q(0.99) };
}

const input = (i: number): Record<string, EdgeTensor> => ({
  x: { dtype: 'float32', dims: [1, 3, 64, 64], data: Float32Array.from({ length: 3 * 64 * 64 }, (_, k) => ((k * 13 + i * 101) % 256) / 255) },
});

const iterations = quick ? 100 : 400;
const full = await loadRunner(encodeModel(benchNet('full')), { threads: THREADS });
const head = await loadRunner(encodeModel(benchNet('head')), { threads: THREADS });
const tail = await loadRunner(encodeModel(benchNet('tail')), { threads: THREADS });
const { url, child } = await startChild(0);
const result: Record<string, unknown> = { threads: THREADS, iterations, model: 'bench-net 3x64x64, cut [1,32,16,16], tail ~190 M MACs', loadAverage: (await import('node:os')).loadavg(), cpus: (await import('node:os')).cpus().length };
try {
  // Warm-up: first runs allocate.
  for (let i = 0; i < 20; i++) { await full.run(input(i)); await tail.run({ cut: (await head.run(input(i))).cut as EdgeTensor }); }
  const client = new EdgeClient({ serverUrl: url, model: 'tail', head, fetch: nodeFetch, retry: { timeoutMs: 10_000, retries: 0 } });
  for (let i = 0; i < 20; i++) await client.predict(input(i));

  const inproc = await startServer([await ServedModel.load('tail', encodeModel(benchNet('tail')), benchNet('tail'), { threads: THREADS })]);
  const inClient = new EdgeClient({ serverUrl: inproc.url, model: 'tail', head, fetch: nodeFetch, retry: { timeoutMs: 10_000, retries: 0 } });
  for (let i = 0; i < 20; i++) await inClient.predict(input(i));
  // Interleaved, so machine load drifts affect every path alike.
  const direct: number[] = [];
  const tailOnly: number[] = [];
  const split: number[] = [];
  const splitIn: number[] = [];
  const rtt: number[] = [];
  const parts = { headMs: 0, encodeMs: 0, networkMs: 0 };
  try {
    for (let i = 0; i < iterations; i++) {
      const x = input(i);
      let t0 = performance.now();
      await full.run(x);
      direct.push(performance.now() - t0);
      const cut = (await head.run(x)).cut as EdgeTensor;
      t0 = performance.now();
      await tail.run({ cut });
      tailOnly.push(performance.now() - t0);
      const p = await client.predict(x);
      if (p.origin !== 'server') throw new Error(`request answered by ${p.origin}: ${p.fallbackReason}`);
      split.push(p.timing.totalMs);
      parts.headMs += p.timing.headMs / iterations;
      parts.encodeMs += p.timing.encodeMs / iterations;
      parts.networkMs += p.timing.networkMs / iterations;
      const q = await inClient.predict(x);
      if (q.origin !== 'server') throw new Error(`request answered by ${q.origin}: ${q.fallbackReason}`);
      splitIn.push(q.timing.totalMs);
      t0 = performance.now();
      await (await nodeFetch(`${url}/v2/health/live`)).arrayBuffer();
      rtt.push(performance.now() - t0);
    }
  } finally {
    await inproc.close();
  }
  const d = stats(direct);
  const s = stats(split);
  const si = stats(splitIn);
  const t = stats(tailOnly);
  result.batch1 = {
    directWholeModelMs: d, directTailMs: t, splitPathMs: s, splitPathInProcessMs: si, splitParts: parts, bareHttpRoundTripMs: stats(rtt),
    overheadMean: s.mean / d.mean - 1, overheadP50: s.p50 / d.p50 - 1,
    overheadInProcessMean: si.mean / d.mean - 1, overheadInProcessP50: si.p50 / d.p50 - 1,
  };

  // autocannon: the tail endpoint with a pre-encoded binary body.
  const cut = (await head.run(input(1))).cut as EdgeTensor;
  const enc = await encodeTensor({ dims: cut.dims, data: cut.data as Float32Array }, { name: 'fp32' });
  const body = encodeInferRequest({ inputs: [{ name: 'cut', datatype: enc.datatype, shape: enc.shape, data: fromBinary(enc.datatype, enc.shape, enc.bytes, 'cut') }], parameters: { binary_data_output: true } });
  const load = async (target: string, connections: number) => {
    const r = await autocannon({
      url: `${target}/v2/models/tail/infer`, method: 'POST', connections, duration: quick ? 3 : 8,
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(body.headerLength) },
      body: Buffer.from(body.body),
    });
    if (r.non2xx || r.errors) throw new Error(`autocannon: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { connections, requestsPerSec: r.requests.average, latencyP50Ms: r.latency.p50, latencyP99Ms: r.latency.p99, latencyMeanMs: r.latency.average };
  };
  const runs: Record<string, unknown>[] = [];
  for (const c of [1, 8, 32]) runs.push({ batching: 'off', ...(await load(url, c)) });
  await stopChild(child);
  const batched = await startChild(16);
  try {
    for (const c of [8, 32]) runs.push({ batching: 'max 16, 1 ms', ...(await load(batched.url, c)) });
  } finally {
    await stopChild(batched.child);
  }
  result.load = runs;
} finally {
  if (child.exitCode === null) await stopChild(child);
  for (const r of [full, head, tail]) await r.release();
}

type Stats = ReturnType<typeof stats>;
const b1 = result.batch1 as { directWholeModelMs: Stats; directTailMs: Stats; splitPathMs: Stats; splitPathInProcessMs: Stats; bareHttpRoundTripMs: Stats; overheadMean: number; overheadP50: number; overheadInProcessMean: number; overheadInProcessP50: number };
const row = (label: string, x: Stats) => `  ${label.padEnd(44)} ${f(x.mean).padStart(7)}  ${f(x.p50).padStart(7)}  ${f(x.p99).padStart(7)}`;
const f = (x: number) => x.toFixed(2);
const lines = [
  `batch 1, sequential, ${iterations} requests, ORT ${THREADS} thread(s) everywhere; load average ${(result.loadAverage as number[]).map((x) => x.toFixed(1)).join(' ')} on ${result.cpus as number} CPUs:`,
  `  ${'path'.padEnd(44)} mean ms   p50 ms   p99 ms`,
  row('whole model, direct in ORT', b1.directWholeModelMs),
  row('tail only, direct in ORT', b1.directTailMs),
  row('split: head + HTTP + tail (server process)', b1.splitPathMs),
  row('split: head + HTTP + tail (server in-process)', b1.splitPathInProcessMs),
  row('bare HTTP round trip (GET /v2/health/live)', b1.bareHttpRoundTripMs),
  `  overhead over the whole model: server process mean ${(b1.overheadMean * 100).toFixed(1)}% / p50 ${(b1.overheadP50 * 100).toFixed(1)}%; in-process mean ${(b1.overheadInProcessMean * 100).toFixed(1)}% / p50 ${(b1.overheadInProcessP50 * 100).toFixed(1)}% (target <= 10%)`,
  '',
  'autocannon, POST /v2/models/tail/infer (binary, 32 KiB cut tensor):',
  '  batching        conns   req/s   p50 ms   p99 ms',
  ...(result.load as { batching: string; connections: number; requestsPerSec: number; latencyP50Ms: number; latencyP99Ms: number }[]).map((r) =>
    `  ${r.batching.padEnd(14)}  ${String(r.connections).padStart(5)}  ${r.requestsPerSec.toFixed(0).padStart(6)}  ${f(r.latencyP50Ms).padStart(7)}  ${f(r.latencyP99Ms).padStart(7)}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
const out = join(here, '..', '..', '..', 'bench', 'results', 'serve.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ ...result, date: new Date().toISOString(), quick }, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
