/**
 * End-to-end latency of one split inference, analytically:
 *   head (edge) + encode + transfer of the cut tensor (analytic.ts) + wait in the server queue
 *   + tail (server) + reply.
 * The reply is the receiver's answer in the transfer model (replyBytes), so its serialisation
 * and the return half-RTT are already inside the transfer time.
 */
import { estimateTransfer, type TransferEstimate, type WarmConnection } from './analytic.js';
import type { PathSpec } from './path.js';
import { waitMD1, waitMDk, waitMMk } from './queueing.js';

/** One frame's costs, independent of where they came from (profiler, device profile, plan). */
export interface SplitFrame {
  /** Head latency on the edge device, ms. */
  readonly headMs: number;
  /** Encoding of the cut tensor (codec), ms. */
  readonly encodeMs?: number;
  /** Bytes of the cut tensor as sent. */
  readonly payloadBytes: number;
  /** Tail latency on the server (service time of one request), ms. */
  readonly tailMs: number;
  /** Bytes of the result sent back (default 64: a few logits / a class id). */
  readonly replyBytes?: number;
}

export interface ServerLoad {
  /** Total request rate reaching the server, per second. */
  readonly arrivalsPerS: number;
  readonly workers: number;
  /** 'fixed' service times (M/D/k) or exponential (M/M/k). */
  readonly service: 'fixed' | 'exponential';
}

export interface SplitLatencyEstimate {
  readonly ms: number;
  readonly headMs: number;
  readonly encodeMs: number;
  readonly transferMs: number;
  readonly queueMs: number;
  /** Wait for the shared uplink, ms: frames from all devices as an M/D/1 queue of whole frames. */
  readonly uplinkQueueMs: number;
  /** Uplink utilisation by the frames' wire bytes. */
  readonly uplinkUtilisation: number;
  readonly tailMs: number;
  readonly transfer: TransferEstimate;
  /** Server utilisation lambda / (k mu). */
  readonly utilisation: number;
}

/**
 * How the frame's connection stands: 'new' pays the handshake and slow start; 'kept-alive'
 * skips the handshake but starts from the initial window (a window restarted after a long
 * idle, as CUBIC/Reno do); 'warm' is a kept-alive connection after two earlier frames 50 ms
 * apart, and a WarmConnection object describes its history (frames, their size, the gap between
 * a reply and the next frame, tcp_slow_start_after_idle): BBR keeps its model over any gap,
 * CUBIC/Reno keep their window over gaps shorter than the RTO (analytic.ts, warm-state.ts).
 * `true` and `false` are the older spelling of 'new' and 'kept-alive'.
 */
export type ConnectionState = 'new' | 'kept-alive' | 'warm' | boolean | WarmConnection;

export function estimateSplitLatency(frame: SplitFrame, path: PathSpec, load?: ServerLoad, connection: ConnectionState = false): SplitLatencyEstimate {
  const state = connection === true ? 'new' : connection === false ? 'kept-alive' : connection;
  const warm = typeof state === 'object' ? state : state === 'warm';
  const transfer = estimateTransfer(frame.payloadBytes, path, { handshake: state === 'new', warm, replyBytes: frame.replyBytes ?? 64 });
  let queueS = 0;
  let utilisation = 0;
  if (load && load.arrivalsPerS > 0) {
    const mu = 1000 / frame.tailMs;
    utilisation = load.arrivalsPerS / (load.workers * mu);
    queueS = load.service === 'fixed' ? waitMDk(load.arrivalsPerS, mu, load.workers) : waitMMk(load.arrivalsPerS, mu, load.workers);
  }
  // The shared uplink seen whole-frame at a time: service = the frame's wire bytes at the rate.
  let uplinkQueueS = 0;
  let uplinkUtilisation = 0;
  if (load && load.arrivalsPerS > 0) {
    const frameS = (transfer.wireBytes * 8) / path.uplinkBps;
    uplinkUtilisation = load.arrivalsPerS * frameS;
    uplinkQueueS = waitMD1(load.arrivalsPerS, 1 / frameS);
  }
  const encodeMs = frame.encodeMs ?? 0;
  const queueMs = queueS * 1000;
  const uplinkQueueMs = uplinkQueueS * 1000;
  return {
    ms: frame.headMs + encodeMs + uplinkQueueMs + transfer.ms + queueMs + frame.tailMs,
    uplinkQueueMs,
    uplinkUtilisation,
    headMs: frame.headMs,
    encodeMs,
    transferMs: transfer.ms,
    queueMs,
    tailMs: frame.tailMs,
    transfer,
    utilisation,
  };
}
