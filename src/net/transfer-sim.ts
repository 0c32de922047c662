/**
 * One TCP transfer through the simulator, timed the way the real-link validation times it:
 * from connect() to the arrival of the receiver's one-byte application acknowledgement.
 */
import { nearestRank } from './stats.js';
import { DEFAULT_HOST_OVERHEAD_MS } from './analytic.js';
import type { CongestionControlName } from './congestion.js';
import { EventCore, type EventObserver } from './event-core.js';
import { linksOfPath } from './link.js';
import { PacketPool } from './packet.js';
import { checkPath, type PathSpec } from './path.js';
import { Random } from './random.js';
import { TcpConnection } from './tcp.js';
import { BadRequestError, InternalError } from '../errors.js';

export interface TransferSimOptions {
  readonly bytes: number;
  readonly path: PathSpec;
  readonly seed?: number;
  /** Open a new connection (handshake, 1 RTT) first; default true. */
  readonly handshake?: boolean;
  /** Bytes of the receiver's reply; default 1. */
  readonly replyBytes?: number;
  /** Watch every event (golden traces). */
  readonly observer?: EventObserver;
  /** Host time outside the network (sockets, event loops), ms; default the analytic model's. */
  readonly hostOverheadMs?: number;
  /**
   * Messages of the same size sent (each after the previous reply and `gapMs` of idle) on the
   * same connection before the timed one: a kept-alive connection as it really stands, its
   * window and its congestion control's state grown by earlier frames. Default 0.
   */
  readonly warmup?: number;
  /** Idle time between a reply and the next message, ms (default 50). */
  readonly gapMs?: number;
  /** Linux's net.ipv4.tcp_slow_start_after_idle for the sender (default true, Linux's default). */
  readonly slowStartAfterIdle?: boolean;
}

export interface TransferSimResult {
  readonly ms: number;
  readonly segmentsSent: number;
  readonly retransmissions: number;
  readonly timeouts: number;
  readonly packetsLost: number;
  readonly events: number;
  readonly congestionControl: CongestionControlName;
}

export function simulateTransfer(o: TransferSimOptions): TransferSimResult {
  checkPath(o.path);
  if (!(o.bytes > 0)) throw new BadRequestError(`bytes must be > 0, got ${o.bytes}`);
  const core = new EventCore();
  if (o.observer) core.observe(o.observer);
  const rng = new Random(o.seed ?? 1);
  const pool = new PacketPool();
  const p = o.path;
  const { up, down } = linksOfPath(core, p, rng, pool);
  let doneAt = -1;
  const cc = p.congestionControl ?? 'bbr';
  const conn = new TcpConnection(
    core,
    up,
    down,
    pool,
    { mtu: p.mtu, congestionControl: cc, linkOverheadBytes: p.linkOverheadBytes ?? 0, slowStartAfterIdle: o.slowStartAfterIdle ?? true, smallQueues: p.bottleneckAtSender ?? false },
    {
      onReply: (id, now) => {
        if (id < warmup) core.schedule(gapS, sendNext, id + 1);
        else doneAt = now;
      },
    },
    o.replyBytes ?? 1,
  );
  const warmup = o.warmup ?? 0;
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new BadRequestError(`warmup must be a non-negative integer, got ${warmup}`);
  const gapS = (o.gapMs ?? 50) / 1000;
  // The timed message starts when it is written; the warm-up ones before it are not timed.
  let startedAt = 0;
  const sendNext = (id: number): void => {
    if (id === warmup) startedAt = core.now;
    conn.write(id, o.bytes);
  };
  if (o.handshake === false) conn.assumeEstablished(p.rttMs / 1000);
  conn.write(0, o.bytes);
  if (o.handshake !== false) conn.connect();
  // Stop at the reply; a transfer that cannot finish in an hour of simulated time is a bug.
  while (doneAt < 0 && core.step()) {
    if (core.now > 3600) throw new BadRequestError('the simulated transfer did not finish within 3600 s: the path is too slow or too lossy for these bytes');
  }
  if (doneAt < 0) throw new InternalError('the simulated transfer ended without a reply');
  return {
    ms: (doneAt - startedAt) * 1000 + (o.hostOverheadMs ?? DEFAULT_HOST_OVERHEAD_MS),
    segmentsSent: conn.segmentsSent,
    retransmissions: conn.retransmissions,
    timeouts: conn.timeouts,
    packetsLost: up.stats.droppedQueue + up.stats.droppedRandom + down.stats.droppedQueue + down.stats.droppedRandom,
    events: core.fired,
    congestionControl: cc,
  };
}

export interface TransferSimStats {
  readonly runs: number;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Mean retransmitted segments per transfer. */
  readonly retransmissions: number;
  readonly timeouts: number;
  readonly events: number;
}

/** Distribution of the transfer time over `runs` seeds (seed, seed+1, ...). */
export function simulateTransferStats(o: TransferSimOptions, runs: number): TransferSimStats {
  // Bounds: runs >= 1 (checked), and times has runs entries, so mid, mid - 1 (runs even: >= 2), 0 and runs - 1 are inside.
  if (!(Number.isInteger(runs) && runs >= 1)) throw new BadRequestError(`runs must be an integer >= 1, got ${runs}`);
  const times = new Float64Array(runs);
  let retrans = 0;
  let timeouts = 0;
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const r = simulateTransfer({ ...o, seed: (o.seed ?? 1) + i });
    times[i] = r.ms;
    retrans += r.retransmissions;
    timeouts += r.timeouts;
    events += r.events;
  }
  times.sort();
  const at = (q: number): number => nearestRank(times, q);
  let sum = 0;
  for (let i = 0; i < runs; i++) sum += times[i]!;
  const mid = runs >> 1;
  const median = runs % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return {
    runs,
    medianMs: median,
    meanMs: sum / runs,
    p95Ms: at(0.95),
    minMs: times[0]!,
    maxMs: times[runs - 1]!,
    retransmissions: retrans / runs,
    timeouts: timeouts / runs,
    events,
  };
}
