import { analyze } from '../analysis/analyze.js';
import { type CodecSpec, codecLabel } from '../compress/codec.js';
import { cutModel } from '../cut/extract.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import { decodeModel } from '../onnx/codec.js';
import type { ModelProto } from '../onnx/types.js';
import { quantile } from '../net/stats.js';
import { modelSignature } from '../serve/metadata.js';
import { startServer } from '../serve/server.js';
import { ServedModel } from '../serve/served-model.js';
import { makeBatch } from '../data/batches.js';
import { loadDataset } from '../data/datasets.js';
import { EdgeClient, type Origin, argmaxRows } from '../edge/client.js';
import { nodeTransport } from '../edge/node-transport.js';
import { loadRunner } from '../edge/node-runtime.js';
import type { EdgeTensor, ModelRunner } from '../edge/runtime.js';

export interface LoopbackDemoOptions {
  /** the cut: head runs in the client, tail in the server */
  readonly head: ModelProto | Uint8Array;
  readonly tail: ModelProto | Uint8Array;
  /** the whole model: the reference for accuracy, and the client's fallback */
  readonly full?: ModelProto | Uint8Array;
  /** images as [count, C, H, W] float32 at the model's input scale */
  readonly images: Float32Array;
  readonly labels: ArrayLike<number>;
  readonly count: number;
  /** codecs to compare (default fp32, fp16, int8, int8-channel, each plain and +deflate) */
  readonly codecs?: readonly CodecSpec[];
  /** how the cut tensor travels: one HTTP POST per request (default), or the stream transport's frames */
  readonly transport?: 'http' | 'stream';
  /** progress lines */
  readonly log?: (line: string) => void;
}

export interface CodecResult {
  readonly codec: string;
  readonly accuracy: number;
  /** accuracy minus the whole model's accuracy run directly in ORT */
  readonly accuracyChange: number | null;
  /** fraction of images whose label equals the whole model's */
  readonly agreement: number | null;
  /** bytes of the encoded cut tensor per image */
  readonly cutBytes: number;
  /** request body bytes per image (JSON header + tensor) */
  readonly bytesSent: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly mean: number };
  readonly split: { readonly headMs: number; readonly encodeMs: number; readonly networkMs: number };
  readonly origins: Readonly<Partial<Record<Origin, number>>>;
}

export interface LoopbackDemoReport {
  readonly url: string;
  readonly count: number;
  readonly fullAccuracy: number | null;
  readonly fullLatencyMs: number | null;
  readonly results: readonly CodecResult[];
}

export const DEFAULT_DEMO_CODECS: readonly CodecSpec[] = [
  { name: 'fp32' }, { name: 'fp16' }, { name: 'int8' }, { name: 'int8-channel' },
  { name: 'fp32', deflate: true }, { name: 'int8', deflate: true }, { name: 'int8-channel', deflate: true },
];

const proto = (m: ModelProto | Uint8Array): ModelProto => (m instanceof Uint8Array ? decodeModel(m) : m);

/**
 * Serves the tail on 127.0.0.1 with cleave's v2 server, classifies `count` images through the
 * edge client (head here, cut tensor over HTTP, tail there) once per codec, and reports
 * accuracy, bytes on the wire and latency next to the whole model run directly in ORT.
 */
export async function runLoopbackDemo(options: LoopbackDemoOptions): Promise<LoopbackDemoReport> {
  // Bounds: a runner has at least one output, and its run returns it; argmaxRows gives one label per row (the batch is 1).
  const tailProto = proto(options.tail);
  const headProto = proto(options.head);
  const headSig = modelSignature(headProto);
  const input = headSig.inputs[0];
  if (!input || headSig.inputs.length !== 1) throw new BadRequestError('the loopback demo needs a head with one image input');
  const per = options.images.length / options.count;
  if (!Number.isInteger(per) || options.labels.length < options.count) throw new BadRequestError('images and labels do not match count');
  const dims = [1, ...input.shape.slice(1)];
  if (dims.slice(1).reduce((a, b) => a * b, 1) !== per) throw new BadRequestError(`images hold ${per} values each; the head takes [${input.shape.join(', ')}]`);
  const tailSig = modelSignature(tailProto);
  const log = options.log ?? (() => undefined);

  const stream = options.transport === 'stream';
  const server = await startServer([await ServedModel.load('tail', options.tail, tailProto)], stream ? { streamPort: 0 } : {});
  const url = stream ? server.streamUrl! : server.url;
  const runners: ModelRunner[] = [];
  try {
    const head = await loadRunner(options.head);
    runners.push(head);
    const full = options.full ? await loadRunner(options.full) : undefined;
    if (full) runners.push(full);
    const sample = (i: number): Record<string, EdgeTensor> => ({
      [input.name]: { dtype: 'float32', dims, data: options.images.slice(i * per, (i + 1) * per) },
    });

    let fullLabels: number[] | undefined;
    let fullAccuracy: number | null = null;
    let fullLatencyMs: number | null = null;
    if (full) {
      fullLabels = [];
      const times: number[] = [];
      for (let i = 0; i < options.count; i++) {
        const t0 = performance.now();
        const out = await full.run(sample(i));
        times.push(performance.now() - t0);
        fullLabels.push(argmaxRows(out[full.outputNames[0]!]!)[0]!);
      }
      fullAccuracy = fullLabels.filter((l, i) => l === Number(options.labels[i])).length / options.count;
      fullLatencyMs = quantile([...times].sort((a, b) => a - b), 0.5);
      log(`whole model in ORT: accuracy ${(fullAccuracy * 100).toFixed(2)}% on ${options.count} images`);
    }

    // Warm-up (first requests open sockets and let ORT allocate), not counted.
    const warm = new EdgeClient({ serverUrl: url, model: 'tail', head, transport: nodeTransport, ...(tailSig.inputs[0] ? { tailInput: tailSig.inputs[0].name } : {}) });
    for (let i = 0; i < Math.min(20, options.count); i++) await warm.predict(sample(i));

    const results: CodecResult[] = [];
    for (const codec of options.codecs ?? DEFAULT_DEMO_CODECS) {
      const client = new EdgeClient({
        serverUrl: url, model: 'tail', head, codec, transport: nodeTransport,
        ...(tailSig.inputs[0] ? { tailInput: tailSig.inputs[0].name } : {}),
        ...(full ? { fallback: { full } } : {}),
      });
      let correct = 0;
      let agree = 0;
      let cutBytes = 0;
      let bytesSent = 0;
      const split = { headMs: 0, encodeMs: 0, networkMs: 0 };
      const times: number[] = [];
      const origins: Partial<Record<Origin, number>> = {};
      for (let i = 0; i < options.count; i++) {
        const p = await client.predict(sample(i));
        const label = p.labels[0];
        if (label === Number(options.labels[i])) correct++;
        if (fullLabels && label === fullLabels[i]) agree++;
        cutBytes += p.cutBytes;
        bytesSent += p.bytesSent;
        split.headMs += p.timing.headMs;
        split.encodeMs += p.timing.encodeMs;
        split.networkMs += p.timing.networkMs;
        times.push(p.timing.totalMs);
        origins[p.origin] = (origins[p.origin] ?? 0) + 1;
      }
      times.sort((a, b) => a - b);
      const n = options.count;
      const accuracy = correct / n;
      const r: CodecResult = {
        codec: codecLabel(codec), accuracy,
        accuracyChange: fullAccuracy === null ? null : accuracy - fullAccuracy,
        agreement: fullLabels ? agree / n : null,
        cutBytes: cutBytes / n, bytesSent: bytesSent / n,
        latencyMs: { p50: quantile(times, 0.5), p99: quantile(times, 0.99), mean: times.reduce((a, b) => a + b, 0) / n },
        split: { headMs: split.headMs / n, encodeMs: split.encodeMs / n, networkMs: split.networkMs / n },
        origins,
      };
      results.push(r);
      log(`${r.codec}: accuracy ${(accuracy * 100).toFixed(2)}%, ${Math.round(r.bytesSent)} B/request, p50 ${r.latencyMs.p50.toFixed(2)} ms`);
    }
    return { url, count: options.count, fullAccuracy, fullLatencyMs, results };
  } finally {
    for (const r of runners) await r.release();
    await server.close();
  }
}

/** The report as a fixed-width table. */
export function formatLoopbackReport(r: LoopbackDemoReport): string {
  // Bounds: rows starts with the header and every row has its columns, one per widths entry.
  const pct = (v: number | null, sign = false) => (v === null ? '-' : `${sign && v >= 0 ? '+' : ''}${(v * 100).toFixed(2)}%`);
  const rows = [['codec', 'accuracy', 'change', 'same as whole', 'cut bytes', 'request bytes', 'p50 ms', 'p99 ms', 'origins']];
  for (const c of r.results) {
    rows.push([c.codec, pct(c.accuracy), pct(c.accuracyChange, true), pct(c.agreement), String(Math.round(c.cutBytes)), String(Math.round(c.bytesSent)),
      c.latencyMs.p50.toFixed(2), c.latencyMs.p99.toFixed(2), Object.entries(c.origins).map(([k, v]) => `${k}:${v}`).join(' ')]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  const head = `${r.count} images through head (here) -> ${r.url.startsWith('tcp:') ? 'stream' : 'HTTP'} ${r.url} -> tail; whole model in ORT: ${pct(r.fullAccuracy)}${r.fullLatencyMs !== null ? `, p50 ${r.fullLatencyMs.toFixed(2)} ms` : ''}`;
  return `${head}\n${lines.join('\n')}\n`;
}

export interface DatasetDemoOptions {
  /** the whole (trained) model */
  readonly model: ModelProto;
  /** tensors to cut at (default: the middle cut point by head FLOPs) */
  readonly at?: readonly string[];
  /** mnist or fashion-mnist (test split) */
  readonly dataset: string;
  readonly count: number;
  readonly codecs?: readonly CodecSpec[];
  readonly log?: (line: string) => void;
}

/**
 * The loopback demo from a whole model and a dataset name: cuts the model (at `at`, or the
 * middle cut point), loads `count` test images and runs `runLoopbackDemo`.
 */
export async function runLoopbackDemoOnDataset(options: DatasetDemoOptions): Promise<LoopbackDemoReport & { readonly cutAt: readonly string[]; readonly cutBytes: number }> {
  const analysis = analyze(graphFromModel(options.model), { batch: 1 });
  let at = options.at;
  if (!at) {
    const points = analysis.cutPoints.filter((c) => c.headFlops > 0 && c.tailFlops > 0);
    at = points[Math.floor(points.length / 2)]?.tensors;
    if (!at) throw new BadRequestError('the model has no cut point with work on both sides; give the tensors to cut at');
  }
  const cut = cutModel(analysis, at);
  const ds = loadDataset(options.dataset, 'test', { limit: options.count });
  const batch = makeBatch(ds, Array.from({ length: ds.count }, (_, i) => i));
  const report = await runLoopbackDemo({
    head: cut.head, tail: cut.tail, full: options.model, images: batch.x, labels: batch.labels, count: ds.count,
    ...(options.codecs ? { codecs: options.codecs } : {}), ...(options.log ? { log: options.log } : {}),
  });
  return { ...report, cutAt: cut.tensors, cutBytes: cut.bytes };
}
