/**
 * Reads the Chrome-trace JSON that ONNX Runtime's profiler writes (`enableProfiling`): one
 * `model_run` event (cat "Session") per run, and per executed kernel one event of cat "Node"
 * named `<node name>_kernel_time` with its duration in microseconds and `args.op_name`.
 * Kernel events are assigned to the run whose interval contains their start.
 */
import { BadProfileError } from '../errors.js';

/** One kernel execution inside a run. */
export interface TraceKernel {
  /** the node name ORT ran (the ONNX node name, or the name of a node its optimiser made) */
  readonly name: string;
  /** `args.op_name`: the ONNX op type, or a fused/internal kernel (FusedConv, ReorderOutput) */
  readonly opType: string;
  readonly durUs: number;
  readonly provider: string;
}

/** One `InferenceSession.run`. */
export interface TraceRun {
  /** duration of the whole run as ORT measured it (`model_run`), microseconds */
  readonly durUs: number;
  readonly kernels: readonly TraceKernel[];
}

interface RawEvent {
  readonly cat?: unknown;
  readonly name?: unknown;
  readonly ts?: unknown;
  readonly dur?: unknown;
  readonly args?: { readonly op_name?: unknown; readonly provider?: unknown };
}

const KERNEL_SUFFIX = '_kernel_time';

function events(value: unknown, source: string): RawEvent[] {
  // ORT writes a bare array; the Chrome trace format also allows { traceEvents: [...] }.
  const list = Array.isArray(value) ? value : (value as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(list)) throw new BadProfileError(`${source}: not an ONNX Runtime profile (expected a JSON array of trace events)`);
  return list.filter((e): e is RawEvent => typeof e === 'object' && e !== null);
}

function num(e: RawEvent, field: 'ts' | 'dur', source: string): number {
  const v = e[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new BadProfileError(`${source}: event "${String(e.name)}" has no valid "${field}" (got ${JSON.stringify(v)})`);
  }
  return v;
}

/** Parses a profile's text into runs in time order; kernels outside any run are ignored. */
export function parseOrtTrace(text: string, source = 'ONNX Runtime profile'): TraceRun[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new BadProfileError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const all = events(parsed, source);
  const runs = all
    .filter((e) => e.cat === 'Session' && e.name === 'model_run')
    .map((e) => ({ ts: num(e, 'ts', source), dur: num(e, 'dur', source), kernels: [] as TraceKernel[] }))
    .sort((a, b) => a.ts - b.ts);
  const kernels = all
    .filter((e) => e.cat === 'Node' && typeof e.name === 'string' && e.name.endsWith(KERNEL_SUFFIX))
    .map((e) => ({ ts: num(e, 'ts', source), e }))
    .sort((a, b) => a.ts - b.ts);
  let r = 0;
  for (const { ts, e } of kernels) {
    let run = runs[r];
    while (run && ts > run.ts + run.dur) run = runs[++r];
    if (!run || ts < run.ts) continue;
    run.kernels.push({
      name: (e.name as string).slice(0, -KERNEL_SUFFIX.length),
      opType: typeof e.args?.op_name === 'string' ? e.args.op_name : 'unknown',
      durUs: num(e, 'dur', source),
      provider: typeof e.args?.provider === 'string' ? e.args.provider : 'unknown',
    });
  }
  return runs.map((x) => ({ durUs: x.dur, kernels: x.kernels }));
}
