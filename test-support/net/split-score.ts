/**
 * What a real split inference over the shaped link measured, and the models' figures for it
 * (also used to re-score stored runs with the current models, without root).
 *
 * The models get what was measured besides the network: the median head and encode times, the
 * server's time per request, the bytes the sockets moved (HTTP included), and for a kept-alive
 * connection its history (frames before the timed one, the pause between a reply and the next
 * request, the sender's net.ipv4.tcp_slow_start_after_idle). End to end they are compared with
 * the edge client's median time; the network part alone with the time the delay line saw the
 * request and the reply take on the wire (wire-split.ts), which no host's CPU time can stretch.
 */
import { DEFAULT_HOST_OVERHEAD_MS, estimateTransfer } from '../../src/net/analytic.js';
import { estimateSplitLatency, type ConnectionState, type SplitLatencyEstimate } from '../../src/net/split-latency.js';
import { simulateTransferStats } from '../../src/net/transfer-sim.js';
import { pathForPoint, type GridPoint } from './netem-grid.js';
import type { ConnectionMode } from './split-client.js';

/** Warm-up frames and idle gap of the real client before its timed frames (split-client.ts). */
export const CLIENT_WARMUP = 2;
export const CLIENT_GAP_MS = 50;

/** What was measured for one (cut, link, connection mode): the models' inputs and the measured times. */
export interface SplitMeasurement extends GridPoint {
  /** the cut's case name (split-cases.ts) */
  readonly case: string;
  readonly connection: ConnectionMode;
  readonly congestionControl: string;
  readonly requests: number;
  /** answered by the server (origin 'server') */
  readonly answered: number;
  /** server answers equal to the whole model run on the edge */
  readonly agreeWithWhole: number;
  /** requests that opened a TCP connection */
  readonly newConnections: number;
  readonly cutBytes: number;
  /** median HTTP body: the v2 JSON header and the tensor */
  readonly bodyBytes: number;
  /** median bytes of a request / reply on the socket, HTTP included */
  readonly wireUpBytes: number;
  readonly wireDownBytes: number;
  readonly headMs: number;
  readonly encodeMs: number;
  /** the server's own time per request (v2 decode + tail + encode) */
  readonly serverMs: number;
  /** end-to-end times of the frames compared (the ones whose processes were not starved) */
  readonly samplesMs: readonly number[];
  readonly measuredMs: number;
  /**
   * Median over the compared frames of their time less their processes' CPU waits. A wait
   * delays a frame by at most its own length, and the waits of several processes may overlap,
   * so each frame's time on an idle machine lies between its time less its waits and its time:
   * the medians bound the idle machine's median the same way ([measuredLowMs, measuredMs]).
   * Absent in runs stored before it was recorded.
   */
  readonly measuredLowMs?: number;
  /** warm-up frames before the timed ones, timed frames per connection (client run), and the client's pause after each reply, ms */
  readonly warmup?: number;
  readonly count?: number;
  readonly gapMs?: number;
  /** the sender's net.ipv4.tcp_slow_start_after_idle */
  readonly slowStartAfterIdle?: boolean;
  /** timed frames set aside because the measuring processes waited for a CPU (starvation.ts) */
  readonly starvedFrames?: number;
  /** starved frames compared anyway, too few having run unstarved (MeasureOptions.allowStarved) */
  readonly starvedCompared?: number;
  /** median and largest CPU wait of the client's, server's and delay line's main threads per frame, ms */
  readonly runDelayMs?: number;
  readonly maxRunDelayMs?: number;
  /** the delay line's cut of the compared frames (wire-split.ts): medians, ms */
  readonly networkMs?: number;
  /** the network part's lower bound, as measuredLowMs */
  readonly networkLowMs?: number;
  /** the network part of the compared frame that took least on the wire (CPU waits only add) */
  readonly networkMinMs?: number;
  readonly serverGapMs?: number;
  readonly clientHostMs?: number;
}

/** A measurement with the models' figures. */
export interface SplitRow extends SplitMeasurement {
  readonly analyticMs: number;
  readonly simulatedMs: number;
  /** the analytic model fed only the cut tensor and a 40-byte reply: what ignoring HTTP costs */
  readonly analyticNoHttpMs: number;
  readonly analyticError: number;
  readonly simulatedError: number;
  /** the models' network part (no host time) against the wire's, when the wire was traced */
  readonly analyticNetworkMs?: number;
  readonly simulatedNetworkMs?: number;
  readonly analyticNetworkError?: number;
  readonly simulatedNetworkError?: number;
}

/**
 * The estimate's typical (median) time: its mean with the transfer's typical time instead of
 * its expected one (they differ only under loss), since measured medians are compared.
 */
function typicalMs(e: SplitLatencyEstimate): number {
  return e.ms - e.transferMs + e.transfer.typicalMs;
}

/**
 * The connection the models see. A new connection per request pays the handshake and slow
 * start. A kept-alive one is taken as it stands at the median timed frame: after the warm-up
 * frames and half the timed ones, each followed by the client's pause, its head and its encode
 * (the idle TCP sees before the next request).
 */
function connectionOf(m: SplitMeasurement): ConnectionState {
  if (m.connection === 'fresh') return 'new';
  const timed = Math.max(1, m.count ?? m.samplesMs.length);
  return {
    frames: (m.warmup ?? CLIENT_WARMUP) + Math.floor((timed - 1) / 2),
    gapMs: (m.gapMs ?? CLIENT_GAP_MS) + m.headMs + m.encodeMs,
    slowStartAfterIdle: m.slowStartAfterIdle ?? true,
  };
}

export function scoreSplit(m: SplitMeasurement, simRuns = 21): SplitRow {
  const path = pathForPoint(m, m.congestionControl);
  const state = connectionOf(m);
  const warm = typeof state === 'object' ? state : undefined;
  const { headMs, encodeMs, serverMs, wireUpBytes, wireDownBytes, measuredMs } = m;
  const analyticMs = typicalMs(estimateSplitLatency({ headMs, encodeMs, payloadBytes: wireUpBytes, tailMs: serverMs, replyBytes: wireDownBytes }, path, undefined, state));
  const analyticNoHttpMs = typicalMs(estimateSplitLatency({ headMs, encodeMs, payloadBytes: m.cutBytes, tailMs: serverMs, replyBytes: 40 }, path, undefined, state));
  const sim = simulateTransferStats({
    bytes: wireUpBytes, path, handshake: !warm, replyBytes: wireDownBytes,
    ...(warm ? { warmup: warm.frames, gapMs: warm.gapMs, slowStartAfterIdle: warm.slowStartAfterIdle } : {}),
  }, m.lossPct > 0 ? simRuns : 1);
  const simulatedMs = headMs + encodeMs + sim.medianMs + serverMs;
  const row: SplitRow = {
    ...m, analyticMs, simulatedMs, analyticNoHttpMs,
    analyticError: (analyticMs - measuredMs) / measuredMs,
    simulatedError: (simulatedMs - measuredMs) / measuredMs,
  };
  if (m.networkMs === undefined) return row;
  // The network part: the models without their host-time constant, the wire without the hosts.
  const analyticNetworkMs = estimateTransfer(wireUpBytes, path, { handshake: !warm, ...(warm ? { warm } : {}), replyBytes: wireDownBytes }).typicalMs - DEFAULT_HOST_OVERHEAD_MS;
  const simulatedNetworkMs = sim.medianMs - DEFAULT_HOST_OVERHEAD_MS;
  return {
    ...row, analyticNetworkMs, simulatedNetworkMs,
    analyticNetworkError: (analyticNetworkMs - m.networkMs) / m.networkMs,
    simulatedNetworkError: (simulatedNetworkMs - m.networkMs) / m.networkMs,
  };
}

/**
 * How far a prediction lies outside the measured interval [lowMs, highMs] (what the frames took
 * less their CPU waits, and what they took), relative to the end it passed: 0 inside. With
 * frames that did not wait, lowMs = highMs and this is the plain relative error's size.
 */
export function errorOutside(predictedMs: number, lowMs: number, highMs: number): number {
  if (predictedMs > highMs) return (predictedMs - highMs) / highMs;
  if (predictedMs < lowMs) return (lowMs - predictedMs) / lowMs;
  return 0;
}
