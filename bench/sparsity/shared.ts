/**
 * What the sparsity benches share: interleaved ORT timing of several forms of a model, FLOPs
 * counted from nonzeros, the machine line, and where results go.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Analysis, analyze } from '../../src/analysis/analyze.js';
import { makeBatch } from '../../src/data/batches.js';
import type { ImageDataset } from '../../src/data/image-dataset.js';
import { valueInfo } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { keepOutputs } from '../../src/graph/prune.js';
import { summarize } from '../../src/net/stats.js';
import { encodeModel } from '../../src/onnx/codec.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type DeviceProfile, estimateNodeLatencyMs } from '../../src/profile/device-profile.js';
import { machineFacts } from '../../src/profile/machine.js';
import { opClassOf } from '../../src/profile/op-class.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { sparseNodeCounts } from '../../src/sparsity/counts.js';
import { formatDensity } from '../../src/sparsity/degrees.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (the benches run from build/bench/sparsity/). */
export const ROOT = resolve(here, '../../..');

/** The 1-minute load average now: other processes on this shared machine stretch timings. */
export function load1m(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

/** The analysis of a model with sparse layers counted from their nonzeros. */
export function sparseAnalysis(model: ModelProto, batch: number): Analysis {
  const graph = graphFromModel(model);
  return analyze(graph, { batch, nodeCounts: sparseNodeCounts(graph) });
}

/** FLOPs of one inference at `batch`, sparse layers counted from their nonzeros. */
export function countedFlops(model: ModelProto, batch = 1): number {
  return sparseAnalysis(model, batch).totals.flops;
}

export interface Timing {
  readonly medianMs: number;
  readonly p10Ms: number;
}

/**
 * Median and p10 latency of one run of each model on `feeds`. The models run interleaved, one
 * run each per round after `warmup` rounds, so load from other processes stretches all alike.
 */
export async function timeModels<K extends string>(
  models: Readonly<Record<K, ModelProto>>, feeds: Readonly<Record<string, RunTensor>>, options: { readonly repeats: number; readonly threads: number; readonly warmup?: number },
): Promise<Record<K, Timing>> {
  const keys = Object.keys(models) as K[];
  const sessions = await Promise.all(keys.map((k) => Session.fromModel(encodeModel(models[k]), { threads: options.threads })));
  const samples: number[][] = keys.map(() => []);
  try {
    for (let round = -(options.warmup ?? Math.min(20, options.repeats)); round < options.repeats; round++) {
      for (let i = 0; i < keys.length; i++) {
        const t0 = performance.now();
        await sessions[i]!.run(feeds);
        if (round >= 0) samples[i]!.push(performance.now() - t0);
      }
    }
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
  const out = {} as Record<K, Timing>;
  keys.forEach((k, i) => {
    const s = summarize(samples[i]!);
    out[k] = { medianMs: s.medianMs, p10Ms: s.p10Ms };
  });
  return out;
}

/** The machine, for the header line and the JSON. */
export function machine(): ReturnType<typeof machineFacts> {
  return machineFacts();
}

export function machineLine(m = machine()): string {
  return `${m.cpuModel}, ${m.cpus} CPUs, ONNX Runtime ${m.onnxruntime}; 1-min load average ${load1m().toFixed(1)}`;
}

/** Writes bench/results/sparsity-NAME.json and says so. */
export function writeResult(name: string, value: unknown): string {
  const out = join(ROOT, `bench/results/sparsity-${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(value, null, 1)}\n`);
  console.log(`wrote ${out}`);
  return out;
}

/** A positive integer flag, or a message naming it. */
export function positiveInt(text: string | undefined, flag: string, usage: string, min = 1): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) {
    console.error(`--${flag} must be an integer >= ${min}, got "${text}"\n${usage}`);
    process.exit(2);
  }
  return v;
}

/** Bytes of a model as one ONNX file. */
export function fileBytes(model: ModelProto): number {
  return encodeModel(model).length;
}

/** Densities separated by commas, each a decimal or a fraction (0.5, 1/4), each in (0, 1). */
export function parseDensities(text: string, usage: string): number[] {
  const out = text.split(',').map(parseDensity);
  if (out.length === 0 || out.some((d) => !(d > 0 && d < 1))) {
    console.error(`--densities must be densities in (0, 1) such as 1/2,1/4, got "${text}"\n${usage}`);
    process.exit(2);
  }
  return out;
}

/** A density for every selected layer, and other densities for the layers named. */
export interface DensitySpec {
  readonly density: number;
  readonly layers: Readonly<Record<string, number>>;
}

function parseDensity(text: string): number {
  const [a, b] = text.trim().split('/');
  return b === undefined ? Number(a) : Number(a) / Number(b);
}

/**
 * Density specs separated by commas: `D` (every layer at D) or `D;layer=D2;...` (the named
 * layers at D2, the others at D); each density a decimal or a fraction in (0, 1].
 */
export function parseDensitySpecs(text: string, usage: string): DensitySpec[] {
  const fail = (why: string): never => {
    console.error(`--densities: ${why}, in "${text}" (write 1/2,1/4 or 1/4;block3.conv1=1/8)\n${usage}`);
    process.exit(2);
  };
  const specs = text.split(',').map((item): DensitySpec => {
    const [first = '', ...named] = item.split(';');
    const density = parseDensity(first);
    const layers: Record<string, number> = {};
    for (const n of named) {
      const [layer, d] = n.split('=');
      if (!layer?.trim() || d === undefined) fail(`"${n}" is not layer=density`);
      layers[layer!.trim()] = parseDensity(d!);
    }
    if ([density, ...Object.values(layers)].some((d) => !(d > 0 && d <= 1)) || density === 1) fail('a density must be in (0, 1]');
    return { density, layers };
  });
  return specs.length ? specs : fail('no density');
}

/** `1/4` or `1/4, block3.conv1 1/8`. */
export function formatSpec(spec: DensitySpec): string {
  return [formatDensity(spec.density), ...Object.entries(spec.layers).map(([l, d]) => `${l} ${formatDensity(d)}`)].join(', ');
}

/**
 * The part of `model` that computes `outputs` (a head, or a head with its exits): keepOutputs
 * with each output declared at its inferred shape, batch axis symbolic. Metadata is kept;
 * sparse records of dropped layers then name absent nodes.
 */
export function subModel(model: ModelProto, outputs: readonly string[]): ModelProto {
  const shapes = analyze(graphFromModel(model), { batch: 1 }).inference.tensors;
  return keepOutputs(model, outputs.map((t) => {
    const info = shapes.get(t);
    if (!info) throw new Error(`subModel: no shape for "${t}"`);
    return valueInfo(t, info.dtype, ['N', ...info.shape.slice(1)]);
  }));
}

/**
 * Roofline latency (ms) of one inference of `model` on `device` at batch 1, its layers counted
 * from their nonzeros: max(FLOPs / throughput, bytes / bandwidth) per node, times calibration.
 */
export function deviceLatencyMs(model: ModelProto, device: DeviceProfile): number {
  let ms = 0;
  for (const n of sparseAnalysis(model, 1).nodes) {
    if (n.folded || !n.known) continue;
    ms += estimateNodeLatencyMs(n.flops, n.bytesRead + n.bytesWritten, opClassOf(n.opType), device);
  }
  return ms;
}

/** Arg-max accuracy of each of `outputs` on a labelled dataset, run by ONNX Runtime in batches. */
export async function accuracies(model: ModelProto, ds: ImageDataset, outputs: readonly string[], input = 'input', batchSize = 500, threads = 2): Promise<Record<string, number>> {
  const session = await Session.fromModel(encodeModel(model), { threads });
  const correct = new Map(outputs.map((o) => [o, 0]));
  try {
    for (let start = 0; start < ds.count; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, ds.count - start) }, (_, k) => start + k);
      const b = makeBatch(ds, idx);
      const out = await session.run({ [input]: { dtype: 'float32', dims: [b.size, ds.channels, ds.height, ds.width], data: b.x } }, [...outputs]);
      for (const o of outputs) {
        const z = out[o]!.data as Float32Array;
        const classes = z.length / b.size;
        let hits = 0;
        for (let i = 0; i < b.size; i++) {
          let best = 0;
          for (let c = 1; c < classes; c++) if (z[i * classes + c]! > z[i * classes + best]!) best = c;
          if (best === b.labels[i]) hits++;
        }
        correct.set(o, correct.get(o)! + hits);
      }
    }
  } finally {
    await session.release();
  }
  return Object.fromEntries(outputs.map((o) => [o, correct.get(o)! / ds.count]));
}
