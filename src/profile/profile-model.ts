/**
 * Measures a model on this machine with ONNX Runtime: per-node latency from ORT's profiler with
 * graph optimisations off (one kernel per ONNX node, so every time maps to a node), the same
 * with optimisations on (fused kernels, mapped back where their name allows), end-to-end times
 * of plain runs at both levels, and head/tail latency of the cut points, summed from the node
 * times and, for a few cuts, measured by running the cut models.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Analysis } from '../analysis/analyze.js';
import type { CutPoint } from '../analysis/cut-points.js';
import { cutModel } from '../cut/extract.js';
import { BadRequestError, IoError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { randomFeeds } from '../runtime/random-feeds.js';
import { type RunTensor, Session } from '../runtime/session.js';
import { type CutLatency, cutLatencies } from './cut-latency.js';
import { attributeKernels, type KernelAttribution } from './node-times.js';
import { parseOrtTrace, type TraceRun } from './ort-trace.js';
import { type LatencyStats, summarize } from '../net/stats.js';

export interface ProfileOptions {
  /** runs before measuring (default 5) */
  readonly warmup?: number;
  /** measured runs (default 20) */
  readonly repeats?: number;
  /** ORT intra-op threads (default: ORT's choice) */
  readonly threads?: number;
  /** how many cut points to measure by running head and tail models (default 3; 'all') */
  readonly measureCuts?: number | 'all';
  /** seed of the random input */
  readonly seed?: number;
  /** called after each run of each phase */
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

/** Head and tail of one cut, run as separate models (optimisations on). */
export interface MeasuredCut {
  readonly tensors: readonly string[];
  readonly head: LatencyStats;
  readonly tail: LatencyStats;
}

export interface CutProfile extends CutLatency {
  /** head/tail sums of the kernels with optimisation all (a kernel fused across the cut counts where ORT named it) */
  readonly optimizedHeadMs: number;
  readonly optimizedTailMs: number;
  readonly measured?: MeasuredCut;
}

/** Kernel times with ORT's full optimisation, mapped back to ONNX nodes where possible. */
export interface OptimizedKernels {
  readonly kernels: number;
  /** median per run of the kernels that map to an ONNX node */
  readonly mappedMs: number;
  readonly unmappedMs: number;
  readonly unmapped: KernelAttribution['unmapped'];
  /** ONNX nodes (not folded away by cleave) with no kernel of their own: fused or removed by ORT */
  readonly fusedAway: readonly string[];
  /** per analysis node: median of its mapped kernels, ms */
  readonly nodeMs: readonly number[];
}

export interface ModelProfile {
  readonly batch: number;
  readonly warmup: number;
  readonly repeats: number;
  readonly threads: number | undefined;
  /** per-node latency, graph optimisations disabled */
  readonly perNode: KernelAttribution;
  readonly optimized: OptimizedKernels;
  /** plain runs (no profiler), optimisation 'all' and 'disabled' */
  readonly endToEnd: { readonly optimized: LatencyStats; readonly unoptimized: LatencyStats };
  /** end-to-end (disabled) over the sum of node medians: what the framework adds around kernels */
  readonly overheadRatio: number;
  readonly cuts: readonly CutProfile[];
}

/** The model with every node named uniquely (ORT reports kernels by node name), in graph order. */
export function withUniqueNodeNames(analysis: Analysis): { model: ModelProto; names: string[] } {
  const { graph } = analysis.dataflow;
  const count = new Map<string, number>();
  for (const n of graph.nodeNames) count.set(n, (count.get(n) ?? 0) + 1);
  const names = graph.nodeNames.map((n, i) => ((count.get(n) ?? 0) > 1 ? `${n}__${i}` : n));
  const model = graph.model;
  const node = graph.nodes.map((n, i) => ({ ...n, name: names[i]! })); // names has one entry per node
  return { model: { ...model, graph: { ...model.graph, node } }, names };
}

interface RunPlan {
  readonly warmup: number;
  readonly repeats: number;
  readonly threads: number | undefined;
  readonly phase: string;
  readonly onProgress?: ProfileOptions['onProgress'];
}

/** Runs a session warmup + repeats times; returns the wall time of each measured run, ms. */
async function timeRuns(session: Session, feeds: Readonly<Record<string, RunTensor>>, plan: RunPlan): Promise<number[]> {
  const times: number[] = [];
  const total = plan.warmup + plan.repeats;
  for (let r = 0; r < total; r++) {
    const t0 = performance.now();
    await session.run(feeds);
    const ms = performance.now() - t0;
    if (r >= plan.warmup) times.push(ms);
    plan.onProgress?.(plan.phase, r + 1, total);
  }
  return times;
}

/**
 * Runs `model` `runs` times under ORT's profiler and returns the trace it wrote (Chrome trace
 * JSON). The trace goes to a private temporary folder, removed afterwards: onnxruntime-node
 * 1.30's endProfiling returns no path, so the one file in that folder is the trace.
 */
export async function recordOrtTrace(
  model: ModelProto,
  feeds: Readonly<Record<string, RunTensor>>,
  options: { readonly optimize: boolean; readonly threads?: number; readonly runs: number; readonly onRun?: (done: number) => void },
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-profile-'));
  try {
    const session = await Session.fromModel(model, { optimize: options.optimize, profile: true, profileFilePrefix: join(dir, 'ort'), threads: options.threads });
    try {
      for (let r = 0; r < options.runs; r++) {
        await session.run(feeds);
        options.onRun?.(r + 1);
      }
    } finally {
      session.endProfiling();
      await session.release();
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    if (files.length !== 1) throw new IoError(`ONNX Runtime wrote ${files.length} profile files in ${dir}, expected one`);
    return readFileSync(join(dir, files[0]!), 'utf8'); // one file (checked)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Profiled runs of `model` (warm-up runs dropped), parsed from ORT's trace. */
async function profiledRuns(model: ModelProto, feeds: Readonly<Record<string, RunTensor>>, optimize: boolean, plan: RunPlan): Promise<TraceRun[]> {
  const total = plan.warmup + plan.repeats;
  const text = await recordOrtTrace(model, feeds, { optimize, threads: plan.threads, runs: total, onRun: (done) => plan.onProgress?.(plan.phase, done, total) });
  const runs = parseOrtTrace(text, `ONNX Runtime profile (${plan.phase})`);
  if (runs.length !== total) throw new IoError(`ONNX Runtime's profile has ${runs.length} runs, expected ${total}`);
  return runs.slice(plan.warmup);
}

async function timeModel(model: ModelProto, feeds: Readonly<Record<string, RunTensor>>, optimize: boolean, plan: RunPlan): Promise<LatencyStats> {
  const session = await Session.fromModel(model, { optimize, threads: plan.threads });
  try {
    return summarize(await timeRuns(session, feeds, plan));
  } finally {
    await session.release();
  }
}

/** Which cut points to run: `n` spread evenly over the list (it is in topological order). */
export function pickCuts(cuts: readonly CutPoint[], n: number | 'all'): CutPoint[] {
  if (n === 'all' || n >= cuts.length) return [...cuts];
  if (n <= 0) return [];
  const picked = new Set<number>();
  for (let k = 1; k <= n; k++) picked.add(Math.min(cuts.length - 1, Math.round((k * cuts.length) / (n + 1))));
  return [...picked].sort((a, b) => a - b).map((i) => cuts[i]!); // indices are clamped below cuts.length
}

async function measureCut(analysis: Analysis, cut: CutPoint, feeds: Readonly<Record<string, RunTensor>>, plan: RunPlan): Promise<MeasuredCut> {
  const models = cutModel(analysis, cut.tensors);
  const head = await Session.fromModel(models.head, { threads: plan.threads });
  const tail = await Session.fromModel(models.tail, { threads: plan.threads });
  try {
    const headFeeds = Object.fromEntries(head.inputNames.map((n) => [n, feeds[n]!])); // feeds hold every graph input, and the head reads graph inputs
    const out = await head.run(headFeeds);
    const tailFeeds = Object.fromEntries(tail.inputNames.map((n) => [n, out[n]!])); // the tail reads the head's outputs (the cut), which the head run returned
    const label = cut.tensors.join(',');
    const headStats = summarize(await timeRuns(head, headFeeds, { ...plan, phase: `head ${label}` }));
    const tailStats = summarize(await timeRuns(tail, tailFeeds, { ...plan, phase: `tail ${label}` }));
    return { tensors: cut.tensors, head: headStats, tail: tailStats };
  } finally {
    await Promise.all([head.release(), tail.release()]);
  }
}

/** Profiles the analysed model on this machine. */
export async function profileModel(analysis: Analysis, options: ProfileOptions = {}): Promise<ModelProfile> {
  const warmup = options.warmup ?? 5;
  const repeats = options.repeats ?? 20;
  if (!Number.isInteger(warmup) || warmup < 0) throw new BadRequestError(`warm-up runs must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(repeats) || repeats < 1) throw new BadRequestError(`repeats must be an integer >= 1, got ${repeats}`);
  const base = { warmup, repeats, threads: options.threads, onProgress: options.onProgress };
  const { graph, inference } = analysis.dataflow;
  const feeds = randomFeeds(graph, inference, options.seed ?? 1);
  const { model, names } = withUniqueNodeNames(analysis);

  const perNode = attributeKernels(analysis, names, await profiledRuns(model, feeds, false, { ...base, phase: 'per-node profile (optimisation off)' }));
  const fused = attributeKernels(analysis, names, await profiledRuns(model, feeds, true, { ...base, phase: 'kernel profile (optimisation all)' }));
  const optimizedE2e = await timeModel(model, feeds, true, { ...base, phase: 'end-to-end (optimisation all)' });
  const unoptimizedE2e = await timeModel(model, feeds, false, { ...base, phase: 'end-to-end (optimisation off)' });

  const nodeMs = perNode.nodes.map((n) => n.stats.medianMs);
  const measured = new Map<string, MeasuredCut>();
  for (const cut of pickCuts(analysis.cutPoints, options.measureCuts ?? 3)) {
    measured.set(cut.tensors.join('\u0000'), await measureCut(analysis, cut, feeds, { ...base, phase: 'cut' }));
  }
  const fusedNodeMs = fused.nodes.map((n) => n.stats.medianMs);
  const optimizedCuts = cutLatencies(analysis, fusedNodeMs);
  const cuts = cutLatencies(analysis, nodeMs).map((c, i): CutProfile => {
    const o = optimizedCuts[i]!; // both lists are cutLatencies of the same analysis: one entry per cut
    const m = measured.get(c.tensors.join('\u0000'));
    return { ...c, optimizedHeadMs: o.headMs, optimizedTailMs: o.tailMs, ...(m ? { measured: m } : {}) };
  });
  return {
    batch: analysis.batch,
    warmup,
    repeats,
    threads: options.threads,
    perNode,
    optimized: {
      kernels: fused.nodes.reduce((s, n) => s + n.kernels.length, 0) + fused.unmapped.length,
      mappedMs: fused.nodeSumMs,
      unmappedMs: fused.unmappedMs,
      unmapped: fused.unmapped,
      fusedAway: fused.nodes.filter((n) => !n.measured && !analysis.nodes[n.index]?.folded).map((n) => n.name),
      nodeMs: fusedNodeMs,
    },
    endToEnd: { optimized: optimizedE2e, unoptimized: unoptimizedE2e },
    overheadRatio: perNode.nodeSumMs > 0 ? unoptimizedE2e.medianMs / perNode.nodeSumMs : 0,
    cuts,
  };
}
