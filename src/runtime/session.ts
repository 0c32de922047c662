import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BadModelError, BadRequestError } from '../errors.js';
import { encodeModel } from '../onnx/codec.js';
import type { DType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/types.js';
import { ortLoadFailure, ortRunFailure } from './ort-errors.js';

/** ONNX Runtime's log levels, most verbose first (its `env.logLevel` names). */
export const ORT_LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
export type OrtLogLevel = (typeof ORT_LOG_LEVELS)[number];

/**
 * ORT's own logger writes coloured lines to stderr for every failure it also returns as an
 * error; cleave reports those errors itself, so ORT logs only fatal ones unless asked.
 */
let logLevel: OrtLogLevel = 'fatal';

/**
 * Sets how much ONNX Runtime logs (to stderr) from now on: the CLI sets it from CLEAVE_ORT_LOG.
 * ORT reads its process-wide level once, when the first session is made; the per-session and
 * per-run levels follow every call.
 */
export function setOrtLogLevel(level: string): void {
  const found = ORT_LOG_LEVELS.find((l) => l === level);
  if (!found) throw new BadRequestError(`ONNX Runtime log level "${level}" is none of ${ORT_LOG_LEVELS.join(', ')}`);
  logLevel = found;
  ort.env.logLevel = found;
}

/** The level as ORT's severity number (0 verbose ... 4 fatal). */
function severity(): 0 | 1 | 2 | 3 | 4 {
  return ORT_LOG_LEVELS.indexOf(logLevel) as 0 | 1 | 2 | 3 | 4;
}

/** A tensor passed to or returned by ONNX Runtime. */
export interface RunTensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** string tensors (ONNX STRING, v2 BYTES) hold one JS string per element */
  readonly data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Float64Array | Uint16Array | readonly string[];
}

export interface SessionOptions {
  /** intra-op threads (default: ORT's choice) */
  readonly threads?: number;
  /** turn graph optimisations off (to compare numerics, or to profile per ONNX node) */
  readonly optimize?: boolean;
  /** graph optimisation level; wins over `optimize` ('basic' folds constants but fuses no nodes) */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** record ORT's profiler trace (see endProfiling) */
  readonly profile?: boolean;
  /** where the trace goes: ORT appends `_<date>.json` (default: a prefix in the temp dir) */
  readonly profileFilePrefix?: string;
}

/** The one place cleave talks to onnxruntime-node. */
export class Session {
  private constructor(private readonly inner: ort.InferenceSession) {}

  static async fromModel(model: ModelProto | Uint8Array, options: SessionOptions = {}): Promise<Session> {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const opts: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: options.optimization ?? (options.optimize === false ? 'disabled' : 'all'),
      enableProfiling: options.profile ?? false,
      logSeverityLevel: severity(),
    };
    if (options.profile) opts.profileFilePrefix = options.profileFilePrefix ?? join(tmpdir(), 'cleave-ort-profile');
    if (options.threads !== undefined) {
      opts.intraOpNumThreads = options.threads;
      opts.interOpNumThreads = 1;
    }
    ort.env.logLevel = logLevel;
    try {
      return new Session(await ort.InferenceSession.create(bytes, opts));
    } catch (e) {
      throw ortLoadFailure(e);
    }
  }

  get inputNames(): readonly string[] {
    return this.inner.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.inner.outputNames;
  }

  async run(feeds: Readonly<Record<string, RunTensor>>, outputs?: readonly string[]): Promise<Record<string, RunTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      ortFeeds[name] = Array.isArray(t.data) ? new ort.Tensor('string', [...t.data] as string[], [...t.dims]) : new ort.Tensor(ortType(t.dtype), t.data as Exclude<RunTensor['data'], readonly string[]>, [...t.dims]);
    }
    const runOptions: ort.InferenceSession.RunOptions = { logSeverityLevel: severity() };
    let result: ort.InferenceSession.ReturnType;
    try {
      result = outputs ? await this.inner.run(ortFeeds, [...outputs], runOptions) : await this.inner.run(ortFeeds, runOptions);
    } catch (e) {
      throw ortRunFailure(e);
    }
    const out: Record<string, RunTensor> = {};
    for (const [name, t] of Object.entries(result)) {
      out[name] = { dtype: fromOrtType(t.type), dims: [...t.dims], data: t.data as RunTensor['data'] };
    }
    return out;
  }

  /** Ends profiling and returns the profile file's path (when created with `profile`). */
  endProfiling(): string {
    return (this.inner as unknown as { endProfiling(): string }).endProfiling();
  }

  async release(): Promise<void> {
    await this.inner.release();
  }
}

function ortType(d: DType): ort.Tensor.Type {
  const m: Partial<Record<DType, ort.Tensor.Type>> = {
    float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', uint8: 'uint8', int8: 'int8',
    bool: 'bool', float16: 'float16', uint16: 'uint16', int16: 'int16', uint32: 'uint32', uint64: 'uint64', string: 'string',
  };
  const t = m[d];
  if (!t) throw new BadModelError(`tensors of type ${d} cannot be passed to ONNX Runtime`);
  return t;
}

function fromOrtType(t: string): DType {
  return (t === 'float32' || t === 'float64' || t === 'int32' || t === 'int64' || t === 'uint8' || t === 'int8' || t === 'bool'
    || t === 'float16' || t === 'uint16' || t === 'int16' || t === 'uint32' || t === 'uint64' || t === 'string') ? t : 'float32';
}
