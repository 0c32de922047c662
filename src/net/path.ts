/**
 * The network path between an edge device and the server, as the analytic model and the
 * simulator both take it. Built from a NetworkProfile (profiles.ts) or given directly.
 */
import type { CongestionControlName } from './congestion.js';
import { BadProfileError } from '../errors.js';

export interface PathSpec {
  /** Edge -> server rate, bit/s. */
  readonly uplinkBps: number;
  /** Server -> edge rate, bit/s. */
  readonly downlinkBps: number;
  /** Round-trip propagation delay, ms (no queueing, no serialisation). */
  readonly rttMs: number;
  /** Random loss per packet in each direction, 0..1. */
  readonly lossRate: number;
  /** IP MTU, bytes. */
  readonly mtu: number;
  /** Bottleneck buffer, bytes; default max(2 x BDP, 64 KB). */
  readonly queueBytes?: number;
  /** Token-bucket depth of the bottleneck, bytes (tc tbf); 0 = plain link. */
  readonly burstBytes?: number;
  /** Jitter of the one-way delay, ms (uniform +-jitter, FIFO kept). */
  readonly jitterMs?: number;
  /** Link-layer bytes added to each IP packet (e.g. 38 for Ethernet framing + preamble + gap). */
  readonly linkOverheadBytes?: number;
  /** TCP congestion control of the sender. */
  readonly congestionControl?: CongestionControlName;
  /**
   * The bottleneck queue is the sender's own (a qdisc on the edge device, as tc is in the
   * real-link validation, or its radio's driver queue): Linux's TCP small queues then keep a
   * burst in the socket, a millisecond or so of it in the queue, so a window larger than the
   * buffer does not overflow it. Default false: a router further on, where it would.
   */
  readonly bottleneckAtSender?: boolean;
}

/** Default bottleneck buffer: two bandwidth-delay products, at least 64 KB. */
export function defaultQueueBytes(p: PathSpec): number {
  return Math.max((2 * p.uplinkBps * p.rttMs) / 8000, 64_000);
}

export function queueBytesOf(p: PathSpec): number {
  return p.queueBytes ?? defaultQueueBytes(p);
}

/** Reject paths no model can run on, naming the bad field. */
export function checkPath(p: PathSpec): void {
  const bad = (field: string, why: string): never => {
    throw new BadProfileError(`path.${field} ${why}`);
  };
  if (!(p.uplinkBps > 0) || !Number.isFinite(p.uplinkBps)) bad('uplinkBps', `must be a positive bit rate, got ${p.uplinkBps}`);
  if (!(p.downlinkBps > 0) || !Number.isFinite(p.downlinkBps)) bad('downlinkBps', `must be a positive bit rate, got ${p.downlinkBps}`);
  if (!(p.rttMs >= 0) || !Number.isFinite(p.rttMs)) bad('rttMs', `must be >= 0, got ${p.rttMs}`);
  if (!(p.lossRate >= 0 && p.lossRate < 1)) bad('lossRate', `must be in [0, 1), got ${p.lossRate}`);
  if (!(p.mtu >= 576 && p.mtu <= 65535)) bad('mtu', `must be in [576, 65535], got ${p.mtu}`);
}
