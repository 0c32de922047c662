// bench/serve: the tail behind cleave's KServe v2 server on loopback.
//  1. the whole model run directly in ORT vs the split path (head here + encode + HTTP or the
//     stream transport + server tail), sequential requests at batch 1, for tails of ~3, ~6 and
//     ~12 ms: the overhead of serving over running in-process;
//  2. autocannon against POST /v2/models/tail/infer (binary body): throughput, p50/p99 at
//     1 connection and under concurrency, with and without dynamic batching.
// Usage: node build/bench/serve/main.js [--quick] [--out NAME]  -> table + bench/results/NAME.json
//   (NAME defaults to serve). Run under `taskset -c K` to put client and server on one CPU: the
//   server child inherits the affinity, and the JSON records it. Every process of the bench runs
//   with a smaller V8 interrupt budget (steady-jit.ts), so it times served requests, not V8 warming up.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeTensor } from '../../src/compress/codec.js';
import { EdgeClient, type Prediction } from '../../src/edge/client.js';
import { nodeGet, nodeTransport } from '../../src/edge/node-transport.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import type { EdgeTensor } from '../../src/edge/runtime.js';
import { Random } from '../../src/graph/random.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { nearestRank } from '../../src/net/stats.js';
import { fromBinary } from '../../src/protocol/datatypes.js';
import { startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { encodeInferRequest } from '../../src/protocol/v2-wire.js';
import { INPUT_SHAPE, benchNet } from './bench-net.js';
import { startBareSplit } from './bare-split.js';
import { type Floor, startFloor } from './c-floor.js';
import { rawReplyLogits, startRawStreamClient } from './raw-stream-client.js';
import { firstLine } from './first-line.js';
import { STEADY_JIT_FLAGS, ensureSteadyJit } from './steady-jit.js';
import { type StreamLoad, streamLoad } from './stream-load.js';
import { flag, option } from '../../src/cli/option-table.js';
import { matches, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values: v } = benchArgs({
  script: 'bench/serve/main.js',
  description: `The tail behind cleave's KServe v2 server on loopback: the whole model in ORT against the split
path (head here + encode + HTTP or the stream transport + server tail) for tails of ~3, ~6 and
~12 ms, beside a bare Node + ORT split and a C floor; then autocannon against the infer endpoint:
throughput and p50/p99 latency, with and without dynamic batching. Run under \`taskset -c K\` to
put client and server on one CPU (the JSON records the affinity).`,
  options: {
    quick: flag('fewer requests per path (100 instead of 300)'),
    out: option(text, { default: 'serve', check: matches(/^[\w.-]+$/, 'a file name without a folder'), arg: 'NAME', help: 'write bench/results/NAME.json' }),
  },
});


interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const { quick, out: outName } = v;
ensureSteadyJit();
// Which CPUs this process (and the server child, which inherits it) may run on.
const cpusAllowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'unknown';
const here = dirname(fileURLToPath(import.meta.url));
const THREADS = 1;
const WIDTHS = [1, 1.5, 2];
const iterations = quick ? 100 : 300;
// warm-up requests per path before timing (V8 has optimised the request path by then: steady-jit.ts)
const WARMUP = 50;

async function startChild(maxBatch: number, width: number): Promise<{ url: string; streamUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...STEADY_JIT_FLAGS, join(here, 'server-child.js'), String(THREADS), String(maxBatch), String(width)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await firstLine(child, 'server child');
  return { ...(JSON.parse(line) as { url: string; streamUrl: string }), child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

type Stats = { mean: number; min: number; p10: number; p50: number; p99: number };
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => nearestRank(s, p);
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0]!, p10: q(0.1), p50: q(0.5), p99: q(0.99) };
}

/** The bench's input: one tensor `x` (typed as such, so its data needs no lookup that could miss). */
const input = (i: number): { x: EdgeTensor } => ({
  x: { dtype: 'float32', dims: INPUT_SHAPE, data: Float32Array.from({ length: INPUT_SHAPE.reduce((a, b) => a * b, 1) }, (_, k) => ((k * 13 + i * 101) % 256) / 255) },
});

type Overhead = { min: number; p50: number; mean: number };
interface Batch1 {
  width: number;
  directWholeModelMs: Stats; directTailMs: Stats; bareHttpRoundTripMs: Stats;
  /** HTTP (REST, binary body) to a server process / to a server in this process */
  splitPathMs: Stats; splitPathInProcessMs: Stats;
  /** the stream transport (tcp://, persistent connection) likewise */
  streamPathMs: Stats; streamPathInProcessMs: Stats;
  /** head + raw cut bytes over TCP + tail in another process, onnxruntime-node without cleave: no protocol at all */
  bareSplitMs: Stats;
  /** head run directly + a pre-built request frame to cleave's stream port (the server process), reply not decoded: cleave's server without its client */
  rawClientStreamMs: Stats;
  /** means of the stream client to the server process: head, encode, and send to reply decoded */
  splitParts: { headMs: number; encodeMs: number; networkMs: number };
  /** mean time the stream path's server process spent per measured request (warm-up excluded), from its /metrics */
  serverMeanMs: number;
  /** the same split with no software stack (floor.c), timed in the same loop: what this machine costs any split */
  floor: { oneProcessMs: Stats; splitMs: Stats; overheadP50: number; tailWeightBytes: number } | { unavailable: string };
  overhead: { process: Overhead; inProcess: Overhead; streamProcess: Overhead; streamInProcess: Overhead; bareProcess: Overhead; rawClientStream: Overhead; cpu: number; streamCpu: number };
  cpuPerRequestMs: { direct: number; splitInProcess: number; streamInProcess: number };
}

/** The server's cumulative time and count of tail requests, from its /metrics. */
async function serverTotals(url: string): Promise<{ seconds: number; count: number }> {
  const text = (await nodeGet(`${url}/metrics`)).body.toString();
  const metric = (name: string) => Number(new RegExp(`^${name}\\{model="tail"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { seconds: metric('cleave_inference_duration_seconds_sum'), count: metric('cleave_inference_duration_seconds_count') };
}

/** Whole model direct vs the split paths, interleaved (in random order) so load drifts hit every path alike. */
async function batch1(width: number): Promise<Batch1> {
  const full = await loadRunner(encodeModel(benchNet('full', width)), { threads: THREADS });
  const head = await loadRunner(encodeModel(benchNet('head', width)), { threads: THREADS });
  const tail = await loadRunner(encodeModel(benchNet('tail', width)), { threads: THREADS });
  // A server process per path, as the bare split has its own: a process that served the other
  // paths' requests in between would meet each request colder than one serving a single client.
  const { url, child } = await startChild(0, width);
  const streamServer = await startChild(0, width);
  const rawServer = await startChild(0, width);
  const streamUrl = streamServer.streamUrl;
  const tailProto = benchNet('tail', width);
  const bare = await startBareSplit(width);
  const raw = await startRawStreamClient(rawServer.streamUrl, 'tail', width);
  const inproc = await startServer([await ServedModel.load('tail', encodeModel(tailProto), tailProto, { threads: THREADS })], { streamPort: 0 });
  try {
    const edge = (serverUrl: string) => new EdgeClient({ serverUrl, model: 'tail', head, transport: nodeTransport, retry: { timeoutMs: 30_000, retries: 0 } });
    const client = edge(url);
    const inClient = edge(inproc.url);
    const streamClient = edge(streamUrl);
    const inStreamClient = edge(inproc.streamUrl!);
    const serverAnswer = async (c: EdgeClient, x: Record<string, EdgeTensor>): Promise<Prediction> => {
      const p = await c.predict(x);
      if (p.origin !== 'server') throw new Error(`request answered by ${p.origin}: ${p.fallbackReason}`);
      return p;
    };
    const warmFull: number[] = [];
    const warmTail: number[] = [];
    let requestBytes = 0;
    for (let i = 0; i < WARMUP; i++) {
      const x = input(i);
      let t0 = performance.now();
      const fullY = (await full.run(x)).logits?.data as Float32Array;
      warmFull.push(performance.now() - t0);
      const cut = (await head.run(x)).cut!;
      t0 = performance.now();
      await tail.run({ cut });
      warmTail.push(performance.now() - t0);
      for (const c of [client, inClient, inStreamClient]) await serverAnswer(c, x);
      requestBytes = (await serverAnswer(streamClient, x)).bytesSent;
      // The references must compute what the whole model does, or they would be no references.
      const reproduces = (y: Float32Array, what: string) => {
        if (y.some((v, k) => Math.abs(v - fullY[k]!) > 1e-4)) throw new Error(`${what} does not reproduce the whole model`);
      };
      reproduces(await bare.run(x.x.data as Float32Array), 'the bare split');
      reproduces(rawReplyLogits(await raw.run(x.x.data as Float32Array)), 'the raw stream client');
    }
    // The floor does the same work split the same way: a head and a tail as long as these (the
    // tail streaming as many weight bytes), the stream frame's bytes one way (body + 16-byte
    // header + 24-byte path) and a small reply back.
    const tailMs = stats(warmTail).p50;
    // (bench-net declares every part's parameters in every part; count those the tail uses)
    const used = new Set(tailProto.graph.node.flatMap((n) => n.input));
    const tailWeightBytes = tailProto.graph.initializer.filter((t) => used.has(t.name)).reduce((sum, t) => sum + 4 * t.dims.reduce((p, d) => p * d, 1), 0);
    const floor: Floor | string = await startFloor(Math.max(0.05, stats(warmFull).p50 - tailMs), tailMs, requestBytes + 40, 256, tailWeightBytes);
    const floorOne: number[] = [];
    const floorSplit: number[] = [];
    const before = await serverTotals(streamServer.url);
    const direct: number[] = [];
    const tailOnly: number[] = [];
    const split: number[] = [];
    const splitIn: number[] = [];
    const stream: number[] = [];
    const streamIn: number[] = [];
    const bareSplit: number[] = [];
    const rawClient: number[] = [];
    const rtt: number[] = [];
    const parts = { headMs: 0, encodeMs: 0, networkMs: 0 };
    const timed = async (into: number[], run: () => Promise<unknown>) => {
      const t0 = performance.now();
      await run();
      into.push(performance.now() - t0);
    };
    // Each iteration runs every path once, in a fresh random order: a path's cost depends on
    // what ran just before it (a server process that sat idle wakes slower), so a fixed order
    // would favour some paths over others.
    const order = new Random(7);
    for (let i = 0; i < iterations; i++) {
      const x = input(i);
      const steps: (() => Promise<unknown>)[] = [
        () => timed(direct, () => full.run(x)),
        async () => {
          const cut = (await head.run(x)).cut!;
          await timed(tailOnly, () => tail.run({ cut }));
        },
        async () => split.push((await serverAnswer(client, x)).timing.totalMs),
        async () => splitIn.push((await serverAnswer(inClient, x)).timing.totalMs),
        async () => {
          const t = (await serverAnswer(streamClient, x)).timing;
          stream.push(t.totalMs);
          parts.headMs += t.headMs / iterations;
          parts.encodeMs += t.encodeMs / iterations;
          parts.networkMs += t.networkMs / iterations;
        },
        async () => streamIn.push((await serverAnswer(inStreamClient, x)).timing.totalMs),
        () => timed(bareSplit, () => bare.run(x.x.data as Float32Array)),
        () => timed(rawClient, () => raw.run(x.x.data as Float32Array)),
        () => timed(rtt, () => nodeGet(`${url}/v2/health/live`)),
        async () => {
          if (typeof floor === 'string') return;
          const f = await floor.pair();
          floorOne.push(f.oneProcessMs);
          floorSplit.push(f.splitMs);
        },
      ];
      for (const step of order.shuffle(steps)) await step();
    }
    if (typeof floor !== 'string') floor.close();
    // The server's own time per request (v2 decode + tail run + encode, from its /metrics), to
    // set against the tail run directly: what running inside the server costs the tail itself.
    const after = await serverTotals(streamServer.url);
    // Only the measured requests: the warm-up's first runs (ORT allocating) would weigh on a mean.
    const serverMeanMs = ((after.seconds - before.seconds) / (after.count - before.count)) * 1000;
    // CPU time per request (process-wide; ORT runs on the main thread with 1 thread): unlike
    // wall time it does not count waiting for a CPU on a shared machine.
    const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const cpuDirect: number[] = [];
    const cpuSplit: number[] = [];
    const cpuStream: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      const n = Math.ceil(iterations / 3);
      let c0 = cpuMs();
      for (let i = 0; i < n; i++) await full.run(input(i));
      cpuDirect.push((cpuMs() - c0) / n);
      c0 = cpuMs();
      for (let i = 0; i < n; i++) await inClient.predict(input(i));
      cpuSplit.push((cpuMs() - c0) / n);
      c0 = cpuMs();
      for (let i = 0; i < n; i++) await inStreamClient.predict(input(i));
      cpuStream.push((cpuMs() - c0) / n);
    }
    const cpuD = Math.min(...cpuDirect);
    const cpuS = Math.min(...cpuSplit);
    const cpuT = Math.min(...cpuStream);
    const d = stats(direct);
    const over = (x: Stats) => ({ min: x.min / d.min - 1, p50: x.p50 / d.p50 - 1, mean: x.mean / d.mean - 1 });
    const [s, si, st, sti, bs, rc] = [split, splitIn, stream, streamIn, bareSplit, rawClient].map(stats) as [Stats, Stats, Stats, Stats, Stats, Stats];
    return {
      width, directWholeModelMs: d, directTailMs: stats(tailOnly), bareHttpRoundTripMs: stats(rtt),
      splitPathMs: s, splitPathInProcessMs: si, streamPathMs: st, streamPathInProcessMs: sti, bareSplitMs: bs, rawClientStreamMs: rc,
      splitParts: parts, serverMeanMs,
      floor: typeof floor === 'string' ? { unavailable: floor } : (() => {
        const [one, sp] = [stats(floorOne), stats(floorSplit)];
        return { oneProcessMs: one, splitMs: sp, overheadP50: sp.p50 / one.p50 - 1, tailWeightBytes };
      })(),
      overhead: { process: over(s), inProcess: over(si), streamProcess: over(st), streamInProcess: over(sti), bareProcess: over(bs), rawClientStream: over(rc), cpu: cpuS / cpuD - 1, streamCpu: cpuT / cpuD - 1 },
      cpuPerRequestMs: { direct: cpuD, splitInProcess: cpuS, streamInProcess: cpuT },
    };
  } finally {
    await inproc.close();
    for (const c of [child, streamServer.child, rawServer.child]) await stopChild(c);
    bare.close();
    raw.close();
    for (const r of [full, head, tail]) await r.release();
  }
}

const started = loadavg();
const b1: Batch1[] = [];
for (const w of WIDTHS) b1.push(await batch1(w));

// autocannon: the width-1 tail endpoint with a pre-encoded binary body.
const head = await loadRunner(encodeModel(benchNet('head')), { threads: THREADS });
const cut = (await head.run(input(1))).cut!;
await head.release();
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
const runs: { batching: string; connections: number; requestsPerSec: number; latencyP50Ms: number; latencyP99Ms: number }[] = [];
for (const [maxBatch, label, conns] of [[0, 'off', [1, 8, 32]], [16, 'max 16, 1 ms', [8, 32]]] as const) {
  const srv = await startChild(maxBatch, 1);
  try {
    for (const c of conns) runs.push({ batching: label, ...(await load(srv.url, c)) });
  } finally {
    await stopChild(srv.child);
  }
}

// The same load over the stream transport (pipelined on one connection), batching off.
const streamRuns: StreamLoad[] = [];
{
  const srv = await startChild(0, 1);
  try {
    for (const c of [1, 8, 32]) streamRuns.push(await streamLoad(`${srv.streamUrl}/v2/models/tail/infer`, body, c, quick ? 3 : 8));
  } finally {
    await stopChild(srv.child);
  }
}

const f = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const row = (label: string, x: Stats) => `  ${label.padEnd(44)} ${f(x.min).padStart(7)}  ${f(x.p50).padStart(7)}  ${f(x.mean).padStart(7)}  ${f(x.p99).padStart(7)}`;
const lines: string[] = [`batch 1, sequential, ${iterations} requests per path after ${WARMUP} of warm-up (V8 ${STEADY_JIT_FLAGS.join(" ")}), ORT ${THREADS} thread everywhere; load average ${started.map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} CPUs, running on CPU ${cpusAllowed}`];
for (const r of b1) {
  const o = r.overhead;
  lines.push('', `tail width ${r.width} (~${Math.round(190 * r.width * r.width)} M MACs):`, `  ${'path'.padEnd(44)}  min ms   p50 ms  mean ms   p99 ms`,
    row('whole model, direct in ORT', r.directWholeModelMs),
    row('tail only, direct in ORT', r.directTailMs),
    row('split: head + HTTP + tail (server process)', r.splitPathMs),
    row('split: head + HTTP + tail (server in-process)', r.splitPathInProcessMs),
    row('split: head + stream + tail (server process)', r.streamPathMs),
    row('split: head + stream + tail (in-process)', r.streamPathInProcessMs),
    row('bare split: raw bytes, no protocol, no cleave', r.bareSplitMs),
    row('raw client (no edge client) + stream + tail', r.rawClientStreamMs),
    row('bare HTTP round trip (GET /v2/health/live)', r.bareHttpRoundTripMs),
    `  the stream path's server process, own time per request (decode + tail + encode, mean): ${f(r.serverMeanMs)} ms; tail alone, direct: ${f(r.directTailMs.mean)} ms`,
    `  stream to the server process, means: head ${f(r.splitParts.headMs)} ms (whole model - tail, direct: ${f(r.directWholeModelMs.mean - r.directTailMs.mean)}), encode ${f(r.splitParts.encodeMs)} ms, send to reply decoded ${f(r.splitParts.networkMs)} ms, of which outside the server ${f(r.splitParts.networkMs - r.serverMeanMs)} ms`,
    'oneProcessMs' in r.floor
      ? `  the same split with no software (C, floor.c, same loop, tail streaming ${(r.floor.tailWeightBytes / 2 ** 20).toFixed(1)} MiB of weights), p50: one process ${f(r.floor.oneProcessMs.p50)} ms, split ${f(r.floor.splitMs.p50)} ms: ${pct(r.floor.overheadP50)} from this machine alone`
      : `  floor not measured: ${r.floor.unavailable}`,
    `  CPU ms per request (client + server in one process): direct ${f(r.cpuPerRequestMs.direct)}, HTTP ${f(r.cpuPerRequestMs.splitInProcess)}, stream ${f(r.cpuPerRequestMs.streamInProcess)}`,
    `  overhead over the whole model at p50 (target <= 10%): HTTP ${pct(o.process.p50)} (in-process ${pct(o.inProcess.p50)}), stream ${pct(o.streamProcess.p50)} (in-process ${pct(o.streamInProcess.p50)}), bare split ${pct(o.bareProcess.p50)}, raw client to the stream ${pct(o.rawClientStream.p50)}; min: HTTP ${pct(o.process.min)}, stream ${pct(o.streamProcess.min)}; CPU: HTTP ${pct(o.cpu)}, stream ${pct(o.streamCpu)}`);
}
lines.push('', 'autocannon, POST /v2/models/tail/infer (width 1, binary, 32 KiB cut tensor):', '  batching        conns   req/s   p50 ms   p99 ms',
  ...runs.map((r) => `  ${r.batching.padEnd(14)}  ${String(r.connections).padStart(5)}  ${r.requestsPerSec.toFixed(0).padStart(6)}  ${f(r.latencyP50Ms).padStart(7)}  ${f(r.latencyP99Ms).padStart(7)}`),
  '', 'stream transport, the same body, batching off (requests in flight on one connection):', '  in flight   req/s   p50 ms   p99 ms',
  ...streamRuns.map((r) => `  ${String(r.inflight).padStart(9)}  ${r.requestsPerSec.toFixed(0).padStart(6)}  ${f(r.latencyP50Ms).padStart(7)}  ${f(r.latencyP99Ms).padStart(7)}`));
process.stdout.write(`${lines.join('\n')}\n`);
const out = join(here, '..', '..', '..', 'bench', 'results', `${outName}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({
  date: new Date().toISOString(), quick, threads: THREADS, iterations, warmup: WARMUP, v8Flags: STEADY_JIT_FLAGS, cpus: cpus().length, cpusAllowed, loadAverageAtStart: started, loadAverageAtEnd: loadavg(),
  model: 'bench-net: 3x64x64 input, cut [1,32,16,16] after two conv blocks, tail of five 3x3 convs (width multiplies its channels)',
  batch1: b1, load: runs, streamLoad: streamRuns,
}, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
