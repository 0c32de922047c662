/**
 * The edge side of a real split inference, run inside the client namespace with
 * `ip netns exec NS node split-client.js CONFIG.json`: loads the head (and the whole model, as
 * the reference), sends `warmup + count` frames through cleave's EdgeClient to the tail server
 * over the shaped link, then runs the whole model locally on the same frames. Prints one JSON
 * line per timed frame and a final summary line ({"done": ...}).
 *
 * Bytes on the wire are counted on the socket itself (HTTP request line and headers, the v2
 * JSON header and the tensor; the reply likewise), so the models get exactly what TCP carried.
 * `connection: 'fresh'` opens a new TCP connection per request (Connection: close), 'keep-alive'
 * reuses one socket for all of them.
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { EdgeClient, argmaxRows } from '../../src/edge/client.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import type { EdgeTensor } from '../../src/edge/runtime.js';
import type { Transport } from '../../src/edge/transport.js';
import { runDelayNs } from './starvation.js';

export type ConnectionMode = 'fresh' | 'keep-alive';

export interface SplitClientConfig {
  readonly serverUrl: string;
  readonly model: string;
  readonly headPath: string;
  readonly fullPath: string;
  /** raw float32 frames, `frames` of them, each `inputDims` (batch 1) */
  readonly inputsPath: string;
  readonly inputName: string;
  readonly inputDims: readonly number[];
  readonly frames: number;
  readonly tailInput: string;
  readonly connection: ConnectionMode;
  readonly warmup: number;
  readonly count: number;
  /** pause between frames, ms */
  readonly gapMs: number;
  /** other processes of the measurement (server, delay line) whose CPU waits count per frame */
  readonly watchPids?: readonly number[];
}

/** One timed frame as the client saw it. */
export interface FrameRecord {
  readonly frame: number;
  readonly origin: string;
  readonly label: number;
  readonly headMs: number;
  readonly encodeMs: number;
  /** from the request leaving the codec to the whole reply decoded */
  readonly networkMs: number;
  readonly totalMs: number;
  readonly cutBytes: number;
  readonly bodyBytes: number;
  /** bytes the socket wrote / read for this request (HTTP headers included) */
  readonly wireUpBytes: number;
  readonly wireDownBytes: number;
  /** a new TCP connection was opened for this request */
  readonly newConnection: boolean;
  /** CLOCK_MONOTONIC ns (the delay line's clock): the request handed to node:http, the reply's end */
  readonly requestNs: number;
  readonly replyNs: number;
  /** time the client's, the server's and the delay line's threads waited for a CPU during the frame, ms */
  readonly runDelayMs: number;
  readonly reason?: string;
}

export interface ClientSummary {
  readonly done: true;
  /** labels of the whole model run locally on each timed frame, in order */
  readonly fullLabels: readonly number[];
  /** server-side time per request (decode + tail + encode), from its /metrics, ms */
  readonly serverMs: number;
  readonly serverRequests: number;
}

interface Wire {
  up: number;
  down: number;
  fresh: boolean;
  requestNs: number;
  replyNs: number;
}

const monoNs = (): number => Number(process.hrtime.bigint());

/** node:http POSTs that record the bytes each request moved on its socket. */
function countingTransport(mode: ConnectionMode, last: Wire): Transport {
  const agent = mode === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
  return (url, body, headers, signal) =>
    new Promise((resolve, reject) => {
      let socket: Socket | undefined;
      let w0 = 0;
      let r0 = 0;
      last.requestNs = monoNs();
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.byteLength) }, signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          last.replyNs = monoNs();
          if (socket) {
            last.up = socket.bytesWritten - w0;
            last.down = socket.bytesRead - r0;
          }
          const data = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 502,
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
            },
            body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
          });
        });
      });
      req.on('socket', (s: Socket) => {
        socket = s;
        w0 = s.bytesWritten;
        r0 = s.bytesRead;
        // A socket that has not connected yet is a new TCP connection (handshake in the time).
        last.fresh = s.connecting;
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** Mean server time per request from the v2 server's Prometheus histogram. */
async function serverStats(base: string, model: string): Promise<{ count: number; sumS: number }> {
  const text = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(`${base}/metrics`, { agent: false }, (res) => {
      let s = '';
      res.on('data', (c: Buffer) => (s += c.toString()));
      res.on('end', () => resolve(s));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
  const pick = (metric: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${metric}{model="${model}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  return { count: pick('cleave_inference_duration_seconds_count'), sumS: pick('cleave_inference_duration_seconds_sum') };
}

async function main(configPath: string): Promise<void> {
  const c = JSON.parse(readFileSync(configPath, 'utf8')) as SplitClientConfig;
  const raw = readFileSync(c.inputsPath);
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const per = all.length / c.frames;
  const input = (i: number): Record<string, EdgeTensor> => {
    const k = i % c.frames;
    return { [c.inputName]: { dtype: 'float32', dims: c.inputDims, data: all.slice(k * per, (k + 1) * per) } };
  };
  const head = await loadRunner(new Uint8Array(readFileSync(c.headPath)), { threads: 1 });
  const last: Wire = { up: 0, down: 0, fresh: false, requestNs: 0, replyNs: 0 };
  const watched: (number | 'self')[] = ['self', ...(c.watchPids ?? [])];
  const client = new EdgeClient({
    serverUrl: c.serverUrl,
    model: c.model,
    head,
    tailInput: c.tailInput,
    transport: countingTransport(c.connection, last),
    // Timing is the point: one attempt, long timeout, so a slow link is measured, not retried.
    retry: { retries: 0, timeoutMs: 60_000 },
  });
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  for (let i = 0; i < c.warmup; i++) {
    await client.predict(input(i));
    await sleep(c.gapMs);
  }
  const before = await serverStats(c.serverUrl, c.model);
  const frames: number[] = [];
  for (let i = 0; i < c.count; i++) {
    const frame = c.warmup + i;
    frames.push(frame);
    let rec: FrameRecord;
    const waited0 = runDelayNs(watched);
    try {
      const p = await client.predict(input(frame));
      const runDelayMs = (runDelayNs(watched) - waited0) / 1e6;
      rec = {
        frame, origin: p.origin, label: p.labels[0] ?? -1,
        headMs: p.timing.headMs, encodeMs: p.timing.encodeMs, networkMs: p.timing.networkMs, totalMs: p.timing.totalMs,
        cutBytes: p.cutBytes, bodyBytes: p.bytesSent, wireUpBytes: last.up, wireDownBytes: last.down, newConnection: last.fresh,
        requestNs: last.requestNs, replyNs: last.replyNs, runDelayMs,
      };
    } catch (e) {
      rec = {
        frame, origin: 'failed', label: -1, headMs: 0, encodeMs: 0, networkMs: 0, totalMs: 0, cutBytes: 0, bodyBytes: 0, wireUpBytes: 0, wireDownBytes: 0,
        newConnection: false, requestNs: 0, replyNs: 0, runDelayMs: 0, reason: (e as Error).message,
      };
    }
    process.stdout.write(`${JSON.stringify(rec)}\n`);
    await sleep(c.gapMs);
  }
  const after = await serverStats(c.serverUrl, c.model);
  await head.release();
  // The reference: the whole model on this device, after the timed part so it cannot disturb it.
  const full = await loadRunner(new Uint8Array(readFileSync(c.fullPath)), { threads: 1 });
  const fullLabels: number[] = [];
  for (const frame of frames) {
    const out = await full.run(input(frame));
    fullLabels.push(argmaxRows(out[full.outputNames[0]!]!)[0]!);
  }
  await full.release();
  const n = after.count - before.count;
  const summary: ClientSummary = { done: true, fullLabels, serverMs: n > 0 ? ((after.sumS - before.sumS) / n) * 1000 : 0, serverRequests: n };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

// Only as a program (the orchestrator imports the types above).
if (process.argv[1]?.endsWith('split-client.js')) {
  const t0 = performance.now();
  main(String(process.argv[2])).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`split-client (${Math.round(performance.now() - t0)} ms): ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
