/**
 * One direction of a network link: a drop-tail FIFO in front of a transmitter of fixed rate,
 * then propagation delay (with optional jitter that never reorders) and random loss on arrival.
 *
 * With `burstBytes` > 0 the transmitter is a token bucket (what `tc tbf` does) instead of a
 * serialising wire: after an idle spell up to `burstBytes` leave at once, then packets leave at
 * `bandwidthBps`. The real-link validation uses tbf with a one-packet bucket, so the simulator
 * takes the same figure to model it exactly.
 */
import type { EventCore } from './event-core.js';
import { type Packet, type PacketPool } from './packet.js';
import { queueBytesOf, type PathSpec } from './path.js';
import type { Random } from './random.js';
import { BadProfileError } from '../errors.js';

export interface LinkOptions {
  /** Transmission rate, bit/s (> 0). */
  readonly bandwidthBps: number;
  /** One-way propagation delay, seconds. */
  readonly propagationS: number;
  /** Drop-tail buffer in front of the transmitter, bytes (packets waiting, not the one in service). */
  readonly queueBytes: number;
  /** Probability that a packet is lost in flight (0..1). */
  readonly lossRate?: number;
  /** Extra delay drawn uniformly from [-jitterS, +jitterS] per packet (clamped, FIFO kept). */
  readonly jitterS?: number;
  /** Token-bucket depth, bytes; 0 = a plain serialising link. */
  readonly burstBytes?: number;
}

export interface LinkStats {
  packetsIn: number;
  packetsDelivered: number;
  droppedQueue: number;
  droppedRandom: number;
  /** Seconds the transmitter was busy. */
  busyS: number;
  /** Integral of queue length (packets) over time, for the time-averaged queue. */
  queueIntegral: number;
  maxQueuePackets: number;
}

export class Link {
  readonly stats: LinkStats = {
    packetsIn: 0,
    packetsDelivered: 0,
    droppedQueue: 0,
    droppedRandom: 0,
    busyS: 0,
    queueIntegral: 0,
    maxQueuePackets: 0,
  };
  private readonly bitTime: number;
  private readonly loss: number;
  private readonly jitter: number;
  private readonly burst: number;
  private queue: (Packet | undefined)[] = new Array<Packet | undefined>(64);
  private qHead = 0;
  private qLen = 0;
  private qBytes = 0;
  private busy = false;
  /** Bytes of the packet being transmitted (0 when idle). */
  private inService = 0;
  private tokens: number;
  private tokensAt = 0;
  private lastArrival = 0;
  private lastQueueChange = 0;
  private readonly onTxDone: (p: Packet) => void;
  private readonly onArrive: (p: Packet) => void;

  constructor(
    private readonly core: EventCore,
    readonly options: LinkOptions,
    private readonly rng: Random,
    private readonly pool: PacketPool,
  ) {
    if (!(options.bandwidthBps > 0)) throw new BadProfileError(`link bandwidth must be > 0 bit/s, got ${options.bandwidthBps}`);
    this.bitTime = 8 / options.bandwidthBps;
    this.loss = options.lossRate ?? 0;
    this.jitter = options.jitterS ?? 0;
    this.burst = options.burstBytes ?? 0;
    this.tokens = this.burst;
    // Handlers made once; events carry the packet as their datum.
    this.onTxDone = function linkTxDone(this: Link, p: Packet): void {
      this.txDone(p, this.core.now);
    }.bind(this);
    this.onArrive = function linkArrive(this: Link, p: Packet): void {
      this.arrive(p, this.core.now);
    }.bind(this);
  }

  /** Packets waiting (not counting the one being transmitted). */
  get queuedPackets(): number {
    return this.qLen;
  }

  /** Bytes waiting or being transmitted. */
  get backlogBytes(): number {
    return this.qBytes + this.inService;
  }

  /** Hand a packet to the link at the current time. */
  send(p: Packet): void {
    const now = this.core.now;
    this.stats.packetsIn++;
    if (!this.busy) {
      this.transmit(p, now);
      return;
    }
    if (this.qBytes + p.bytes > this.options.queueBytes) {
      this.stats.droppedQueue++;
      this.drop(p, now);
      return;
    }
    this.accountQueue(now);
    if (this.qLen === this.queue.length) this.growQueue();
    this.queue[(this.qHead + this.qLen) % this.queue.length] = p;
    this.qLen++;
    this.qBytes += p.bytes;
    if (this.qLen > this.stats.maxQueuePackets) this.stats.maxQueuePackets = this.qLen;
  }

  /** Close the time integrals at `now` (call before reading stats). */
  settle(now: number): void {
    this.accountQueue(now);
  }

  private transmit(p: Packet, now: number): void {
    this.busy = true;
    this.inService = p.bytes;
    let wait: number;
    if (this.burst > 0) {
      // Token bucket: refill since the last look, leave as soon as the packet's bytes are there.
      this.tokens = Math.min(this.burst, this.tokens + (now - this.tokensAt) / this.bitTime);
      this.tokensAt = now;
      wait = this.tokens >= p.bytes ? 0 : (p.bytes - this.tokens) * this.bitTime;
    } else {
      wait = p.bytes * this.bitTime;
    }
    this.stats.busyS += this.burst > 0 ? p.bytes * this.bitTime : wait;
    this.core.schedule(wait, this.onTxDone, p);
  }

  private txDone(p: Packet, now: number): void {
    if (this.burst > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.tokensAt) / this.bitTime) - p.bytes;
      this.tokensAt = now;
    }
    let delay = this.options.propagationS;
    if (this.jitter > 0) delay = Math.max(0, delay + (2 * this.rng.next() - 1) * this.jitter);
    // FIFO: a packet never overtakes the one before it.
    const at = Math.max(now + delay, this.lastArrival);
    this.lastArrival = at;
    this.core.scheduleAt(at, this.onArrive, p);
    this.busy = false;
    this.inService = 0;
    if (this.qLen > 0) {
      this.accountQueue(now);
      const next = this.queue[this.qHead]!; // qHead < queue.length: the queue is not empty when a transmission ends
      this.queue[this.qHead] = undefined;
      this.qHead = (this.qHead + 1) % this.queue.length;
      this.qLen--;
      this.qBytes -= next.bytes;
      this.transmit(next, now);
    }
    // Last: the sender may hand over more at once (TCP small queues), into a link in a consistent state.
    p.sink?.departed?.(p, now);
  }

  private arrive(p: Packet, now: number): void {
    if (this.loss > 0 && this.rng.next() < this.loss) {
      this.stats.droppedRandom++;
      this.drop(p, now);
      return;
    }
    this.stats.packetsDelivered++;
    const sink = p.sink;
    if (sink) sink.receive(p, now);
    this.pool.give(p);
  }

  private drop(p: Packet, now: number): void {
    const sink = p.sink;
    if (sink) sink.dropped(p, now);
    this.pool.give(p);
  }

  private accountQueue(now: number): void {
    this.stats.queueIntegral += this.qLen * (now - this.lastQueueChange);
    this.lastQueueChange = now;
  }

  private growQueue(): void {
    const n = this.queue.length;
    const grown = new Array<Packet | undefined>(n * 2);
    for (let i = 0; i < this.qLen; i++) grown[i] = this.queue[(this.qHead + i) % n];
    this.queue = grown;
    this.qHead = 0;
  }
}

/**
 * The two links of a path: the uplink with the path's queue, the downlink with a queue of at
 * least 64 kB (replies are small; a tiny downlink queue would only add losses the path did not
 * describe). Propagation is half the RTT each way; each link draws from its own fork of `rng`.
 */
export function linksOfPath(core: EventCore, p: PathSpec, rng: Random, pool: PacketPool): { readonly up: Link; readonly down: Link } {
  const shared = { propagationS: p.rttMs / 2000, lossRate: p.lossRate, jitterS: (p.jitterMs ?? 0) / 1000, burstBytes: p.burstBytes ?? 0 };
  const up = new Link(core, { ...shared, bandwidthBps: p.uplinkBps, queueBytes: queueBytesOf(p) }, rng.fork(), pool);
  const down = new Link(core, { ...shared, bandwidthBps: p.downlinkBps, queueBytes: Math.max(queueBytesOf({ ...p, uplinkBps: p.downlinkBps }), 64_000) }, rng.fork(), pool);
  return { up, down };
}
