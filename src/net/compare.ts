/**
 * The analytic model beside the simulator, for the three questions `cleave simulate` answers:
 * one transfer, one split inference, and many devices sharing an uplink and a server. Each
 * result is what `cleave simulate --json` prints.
 */
import { estimateTransfer, type TransferEstimate } from './analytic.js';
import type { PathSpec } from './path.js';
import { type ScenarioOptions, type ScenarioResult, simulateScenario } from './scenario.js';
import { estimateSplitLatency, type SplitFrame, type SplitLatencyEstimate } from './split-latency.js';
import { simulateTransferStats, type TransferSimStats } from './transfer-sim.js';

/** How the connection stands before the transfer (split-latency.ts's ConnectionState). */
export type Connection = 'new' | 'kept-alive' | 'warm';

/** Frames the simulator sends on a warm connection before the timed one. */
export const WARMUP_FRAMES = 2;

export interface CompareOptions {
  /** default 'new' */
  readonly connection?: Connection;
  /** simulated transfers (seeds seed, seed+1, ...), default 21 */
  readonly runs?: number;
  readonly seed?: number;
}

export interface TransferComparison {
  readonly payloadBytes: number;
  readonly path: PathSpec;
  readonly connection: Connection;
  readonly analytic: TransferEstimate;
  readonly simulated: TransferSimStats;
}

export interface SplitComparison {
  readonly path: PathSpec;
  readonly connection: Connection;
  readonly analytic: SplitLatencyEstimate;
  /** the transfer's distribution, and head + median transfer + tail */
  readonly simulated: TransferSimStats & { readonly endToEndMs: number };
}

export interface ScenarioComparison {
  readonly options: ScenarioOptions;
  readonly simulated: ScenarioResult;
  /** mean latency: an M/D/1 uplink and the server as M/D/k or M/M/k */
  readonly analytic: SplitLatencyEstimate;
}

/** The simulator's view of a connection: a handshake when new, warm-up frames when warm. */
function simOptions(c: Connection, o: CompareOptions): { handshake: boolean; warmup?: number; seed: number } {
  return { handshake: c === 'new', ...(c === 'warm' ? { warmup: WARMUP_FRAMES } : {}), seed: o.seed ?? 1 };
}

/** `bytes` sent and a one-byte reply, from connect() (or the write) to the reply's arrival. */
export function compareTransfer(bytes: number, path: PathSpec, o: CompareOptions = {}): TransferComparison {
  const connection = o.connection ?? 'new';
  const analytic = estimateTransfer(bytes, path, { replyBytes: 1, handshake: connection === 'new', warm: connection === 'warm' });
  const stats = simulateTransferStats({ bytes, path, replyBytes: 1, ...simOptions(connection, o) }, o.runs ?? 21);
  return { payloadBytes: bytes, path, connection, analytic, simulated: stats };
}

/** One split inference on an idle server: head, transfer of the cut tensor, tail, a 64-byte reply. */
export function compareSplit(frame: SplitFrame, path: PathSpec, o: CompareOptions = {}): SplitComparison {
  const connection = o.connection ?? 'new';
  const analytic = estimateSplitLatency(frame, path, { arrivalsPerS: 0, workers: 1, service: 'fixed' }, connection);
  const transfer = simulateTransferStats({ bytes: frame.payloadBytes, path, replyBytes: 64, ...simOptions(connection, o) }, o.runs ?? 21);
  return { path, connection, analytic, simulated: { ...transfer, endToEndMs: frame.headMs + transfer.medianMs + frame.tailMs } };
}

/** Many devices: the discrete-event run and the queueing model's mean. */
export function compareScenario(o: ScenarioOptions): ScenarioComparison {
  const result = simulateScenario(o);
  const analytic = estimateSplitLatency(o.frame, o.path, { arrivalsPerS: o.devices * o.fps, workers: o.workers ?? 1, service: o.service ?? 'fixed' });
  return { options: o, simulated: result, analytic };
}
