import type { RunTensor } from '../runtime/session.js';

/** Runs one set of feeds; the served model's ORT session behind it. */
export type RunFn = (feeds: Readonly<Record<string, RunTensor>>, outputs: readonly string[]) => Promise<Record<string, RunTensor>>;

export interface BatchingOptions {
  /** largest batch formed (sum of the requests' first dims) */
  readonly maxBatch: number;
  /** how long the first request of a batch waits for company */
  readonly maxDelayMs: number;
}

interface Job {
  readonly feeds: Readonly<Record<string, RunTensor>>;
  readonly rows: number;
  readonly resolve: (r: Record<string, RunTensor>) => void;
  readonly reject: (e: unknown) => void;
}

interface Pending {
  jobs: Job[];
  rows: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type Typed = RunTensor['data'];

function concat(parts: readonly Typed[]): Typed {
  const first = parts[0]!; // a batch has at least one job
  if (Array.isArray(first)) return (parts as readonly (readonly string[])[]).flat();
  const ctor = first.constructor as new (n: number) => Typed;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new ctor(n);
  let o = 0;
  for (const p of parts) { (out as Float32Array).set(p as Float32Array, o); o += p.length; }
  return out;
}

/**
 * Dynamic batching: requests whose inputs have the same shape apart from the first (batch)
 * dim are concatenated along it, run once, and the outputs split back by rows. A batch runs
 * when it reaches `maxBatch` rows or when its first request has waited `maxDelayMs`.
 */
export class Batcher {
  private readonly pending = new Map<string, Pending>();
  /** set at shutdown: requests run at once instead of waiting for company */
  private draining = false;

  constructor(private readonly run: RunFn, private readonly outputs: readonly string[], private readonly options: BatchingOptions) {}

  submit(feeds: Readonly<Record<string, RunTensor>>): Promise<Record<string, RunTensor>> {
    const entries = Object.entries(feeds).sort(([a], [b]) => (a < b ? -1 : 1));
    const rows = entries[0]?.[1].dims[0] ?? 1;
    const key = entries.map(([n, t]) => `${n}:${t.dtype}:${t.dims.slice(1).join('x')}`).join('|');
    if (this.draining) return this.run(feeds, this.outputs);
    return new Promise((resolve, reject) => {
      let p = this.pending.get(key);
      if (p && p.rows + rows > this.options.maxBatch) { this.flush(key); p = undefined; }
      if (!p) {
        p = { jobs: [], rows: 0, timer: undefined };
        this.pending.set(key, p);
        p.timer = setTimeout(() => this.flush(key), this.options.maxDelayMs);
      }
      p.jobs.push({ feeds, rows, resolve, reject });
      p.rows += rows;
      if (p.rows >= this.options.maxBatch) this.flush(key);
    });
  }

  /** Runs every waiting batch now, and later requests without waiting (used at shutdown). */
  flushAll(): void {
    this.draining = true;
    for (const key of [...this.pending.keys()]) this.flush(key);
  }

  private flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    clearTimeout(p.timer);
    void this.execute(p.jobs);
  }

  private async execute(jobs: readonly Job[]): Promise<void> {
    // Bounds: a batch has at least one job, and every job of a batch feeds the same names (submit groups them by a key of their feeds' names, types and shapes).
    if (jobs.length === 1) {
      const j = jobs[0]!;
      try { j.resolve(await this.run(j.feeds, this.outputs)); } catch (e) { j.reject(e); }
      return;
    }
    const names = Object.keys(jobs[0]!.feeds);
    const total = jobs.reduce((s, j) => s + j.rows, 0);
    const feeds: Record<string, RunTensor> = {};
    for (const n of names) {
      const first = jobs[0]!.feeds[n]!;
      feeds[n] = { dtype: first.dtype, dims: [total, ...first.dims.slice(1)], data: concat(jobs.map((j) => j.feeds[n]!.data)) };
    }
    let result: Record<string, RunTensor>;
    try {
      result = await this.run(feeds, this.outputs);
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    let row = 0;
    for (const j of jobs) {
      const mine: Record<string, RunTensor> = {};
      for (const [n, t] of Object.entries(result)) {
        const per = t.dims[0] === total ? t.data.length / total : undefined;
        // An output without the batch dim cannot be split per request: every request gets it whole.
        mine[n] = per === undefined
          ? t
          : { dtype: t.dtype, dims: [j.rows, ...t.dims.slice(1)], data: t.data.slice(row * per, (row + j.rows) * per) as Typed };
      }
      row += j.rows;
      j.resolve(mine);
    }
  }
}
