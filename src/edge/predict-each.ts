/**
 * Many inputs through one EdgeClient, one request each, and what came back: accuracy on the
 * labelled ones and where each answer was computed. What `cleave run` prints.
 */
import type { EdgeClient, Prediction } from './client.js';

/** One input sample (the model input without its batch dimension) and, when known, its class. */
export interface NamedInput {
  readonly name: string;
  readonly data: Float32Array;
  readonly truth?: number;
}

export type NamedPrediction = Prediction & { readonly name: string; readonly truth?: number };

/** One result as reported: the class, where it was computed, bytes and times. */
export interface PredictionRow {
  readonly name: string;
  readonly label: number | undefined;
  readonly truth: number | null;
  readonly origin: Prediction['origin'];
  /** the cut the request took */
  readonly cut: string;
  readonly attempts: number;
  readonly bytesSent: number;
  readonly cutBytes: number;
  readonly codec: string;
  readonly timing: Prediction['timing'];
  readonly fallbackReason?: string;
}

export interface PredictionReport {
  /** share of labelled inputs answered with their class; null when none is labelled */
  readonly accuracy: number | null;
  /** answers per origin (exit-<k>, server, local-exit, local-full) */
  readonly origins: Record<string, number>;
  readonly count: number;
  readonly results: readonly PredictionRow[];
}

/** Sends each input in turn as `input` with shape [1, ...dims]. */
export async function predictEach(client: EdgeClient, input: string, dims: readonly number[], items: readonly NamedInput[]): Promise<NamedPrediction[]> {
  const out: NamedPrediction[] = [];
  for (const it of items) {
    const p = await client.predict({ [input]: { dtype: 'float32', dims: [1, ...dims], data: it.data } });
    out.push({ ...p, name: it.name, ...(it.truth !== undefined ? { truth: it.truth } : {}) });
  }
  return out;
}

export function predictionReport(results: readonly NamedPrediction[]): PredictionReport {
  const labelled = results.filter((r) => r.truth !== undefined);
  const accuracy = labelled.length ? labelled.filter((r) => r.labels[0] === r.truth).length / labelled.length : null;
  const origins: Record<string, number> = {};
  for (const r of results) origins[r.origin] = (origins[r.origin] ?? 0) + 1;
  return {
    accuracy, origins, count: results.length,
    results: results.map((r) => ({
      name: r.name, label: r.labels[0], truth: r.truth ?? null, origin: r.origin, cut: r.cut, attempts: r.attempts, bytesSent: r.bytesSent, cutBytes: r.cutBytes, codec: r.codec, timing: r.timing,
      ...(r.fallbackReason ? { fallbackReason: r.fallbackReason } : {}),
    })),
  };
}
