/**
 * A TCP connection in the simulator: a sender at the edge and a receiver at the server, joined
 * by an uplink (data) and a downlink (ACKs, replies). Modelled on Linux:
 * - three-way handshake (SYN and SYN-ACK retransmitted after the 1 s initial RTO, RFC 6298);
 * - initial window 10 segments (RFC 6928), MSS = MTU - 40 - 12 (timestamps on);
 * - every segment is ACKed at once with a one-block SACK and a timestamp echo (Linux's
 *   quick-ACK mode; delayed ACKs would halve the ACK count but not change the windows, which
 *   Linux grows per packet acked);
 * - loss detection by RACK with no reordering window (a segment is lost once one sent after it
 *   has been delivered; links here never reorder), the tail loss probe after 2 SRTT, and the
 *   retransmission timer (Linux's RTO, about SRTT + 200 ms, rto.ts; doubled on each expiry);
 * - pacing when the congestion control asks for it (BBR), ACK clocking otherwise; with the
 *   bottleneck on the sender's own device, TCP small queues;
 * - the delivery-rate estimator with its application-limited marks (a write to a sender with
 *   less than a segment unsent and room in its window marks the samples of the flight then in
 *   the network as app-limited; tcp_rate.c), which keeps BBR in STARTUP on a kept-alive
 *   connection whose frames never fill the pipe;
 * - window validation (window-validation.ts): Reno and CUBIC grow their window only while it
 *   limits the sender, and with net.ipv4.tcp_slow_start_after_idle a window unused for an RTO
 *   decays and an idle of more than an RTO restarts it; BBR keeps its window and its bandwidth
 *   and RTT estimates over idle gaps;
 * - paced bursts as Linux sends them (pacer.ts).
 * The application writes messages (frames) into the stream; each starts on a segment boundary
 * (the socket has TCP_NODELAY), and the receiver reports a message when all of it has arrived.
 */
import { INITIAL_WINDOW, makeCongestionControl, type CcState, type CongestionControl, type CongestionControlName } from './congestion.js';
import type { EventCore } from './event-core.js';
import type { Link } from './link.js';
import { PacketKind, type Packet, type PacketPool, type PacketSink } from './packet.js';
import { Pacer } from './pacer.js';
import { LinuxRtoEstimator, MIN_RTO_S } from './rto.js';
import { WindowValidation } from './window-validation.js';

export { INITIAL_WINDOW, MIN_RTO_S };
export const IP_TCP_HEADER_BYTES = 52; // IPv4 20 + TCP 20 + timestamp option 12
export const SYN_BYTES = 60; // SYN/SYN-ACK carry MSS, SACK-permitted, timestamps, window scale
export const INITIAL_RTO_S = 1;

export function mssForMtu(mtu: number): number {
  return mtu - IP_TCP_HEADER_BYTES;
}

export interface TcpOptions {
  readonly mtu: number;
  readonly congestionControl: CongestionControlName;
  /** Bytes of link-layer framing added to every packet on the wire (0 on a TUN/tbf link). */
  readonly linkOverheadBytes?: number;
  /**
   * Linux's net.ipv4.tcp_slow_start_after_idle (default on): an idle longer than the RTO
   * restarts the window, and a window left unused for an RTO decays. Ignored by BBR.
   */
  readonly slowStartAfterIdle?: boolean;
  /**
   * The uplink is the sender's own queue (PathSpec.bottleneckAtSender): TCP small queues keep
   * about a millisecond of data (at least two packets of two segments) in it and the rest in
   * the socket until the link has sent some (tcp_small_queue_check).
   */
  readonly smallQueues?: boolean;
}

export interface TcpEvents {
  /** The handshake completed (the sender may write). */
  onEstablished?(now: number): void;
  /** The receiver holds all of message `id`. */
  onMessageReceived?(id: number, now: number): void;
  /** The sender got the receiver's reply to message `id`. */
  onReply?(id: number, now: number): void;
  /** A packet carrying (part of) message `id` was lost. */
  onDataLost?(id: number, now: number): void;
}

const SEG_SACKED = 1;
const SEG_LOST = 2;
const SEG_RETRANS = 4;

export class TcpConnection implements PacketSink {
  readonly mss: number;
  readonly cc: CongestionControl;
  readonly state: CcState;
  established = false;
  /** Segments sent, retransmissions counted. */
  segmentsSent = 0;
  retransmissions = 0;
  timeouts = 0;

  private readonly overhead: number;
  // Per-segment state, grown by doubling.
  private segBytes = new Int32Array(256);
  private segMessage = new Int32Array(256);
  private segFlags = new Uint8Array(256);
  private sentTime = new Float64Array(256);
  private delAtSend = new Float64Array(256);
  private delTimeAtSend = new Float64Array(256);
  private firstSentAtSend = new Float64Array(256);
  /** 1 when the segment was sent while the connection was application-limited. */
  private appLimitedAtSend = new Uint8Array(256);
  private segCount = 0;
  /** Message id -> last segment + 1. */
  private messageEnds: number[] = [];
  private messageIds: number[] = [];

  private una = 0;
  private nxt = 0;
  private sackedOut = 0;
  private lostOut = 0;
  private retransOut = 0;
  private rackXmitTime = -1;
  private lossScan = 0;
  private retxScan = 0;
  private recoveryPoint = 0;
  private readonly rtt = new LinuxRtoEstimator(INITIAL_RTO_S);
  private backoff = 1;
  private deliveredTime = 0;
  private firstSentTime = 0;
  private nextRoundDelivered = 0;
  private readonly pacer: Pacer;
  private readonly validation: WindowValidation;
  /** Waiting for the uplink to send some of our packets (TCP small queues). */
  private tsqThrottled = false;
  private rtoDeadline = Infinity;
  private tlpDeadline = Infinity;
  private tlpUsed = false;
  private timerAt = Infinity;
  private lastSendTime = 0;
  /** Delivered count up to which samples are application-limited (0: not limited). */
  private appLimited = 0;

  // Receiver side.
  private rcvNxt = 0;
  private received = new Uint8Array(256);
  private rcvMessageIdx = 0;
  /** The two most recent out-of-order segments received, repeated as extra SACK blocks. */
  private oooRecent1 = -1;
  private oooRecent2 = -1;

  private readonly timerHandler: (gen: number) => void;
  private readonly synRetry: (kind: number) => void;
  private readonly replyRetry: (id: number) => void;

  constructor(
    private readonly core: EventCore,
    private readonly uplink: Link,
    private readonly downlink: Link,
    private readonly pool: PacketPool,
    readonly options: TcpOptions,
    private readonly events: TcpEvents = {},
    /** Bytes the receiver answers each message with (0 = no reply). */
    private readonly replyBytes = 0,
    /** Reply as soon as a message is in (true), or only when `reply(id)` is called. */
    private readonly autoReply = true,
  ) {
    this.mss = mssForMtu(options.mtu);
    this.overhead = options.linkOverheadBytes ?? 0;
    this.cc = makeCongestionControl(options.congestionControl);
    this.pacer = new Pacer(this.mss);
    this.validation = new WindowValidation(options.slowStartAfterIdle !== false && this.cc.name !== 'bbr');
    this.state = {
      cwnd: INITIAL_WINDOW,
      ssthresh: Infinity,
      srtt: 0,
      minRtt: 0,
      delivered: 0,
      inflight: 0,
      inRecovery: false,
      mss: this.mss,
      cwndLimited: true,
      appLimitedSample: false,
    };
    this.timerHandler = function tcpTimer(this: TcpConnection, _g: number): void {
      this.onTimer(this.core.now);
    }.bind(this);
    this.synRetry = function tcpSynRetry(this: TcpConnection, kind: number): void {
      const now = this.core.now;
      if (kind === PacketKind.Syn) this.sendSyn(now);
      else this.sendSynAck(now);
    }.bind(this);
    this.replyRetry = function tcpReplyRetry(this: TcpConnection, id: number): void {
      this.sendReply(id, this.core.now);
    }.bind(this);
  }

  /** Start the three-way handshake now. */
  connect(): void {
    this.sendSyn(this.core.now);
  }

  /** Skip the handshake (a connection kept open from earlier), with an RTT estimate to start from. */
  assumeEstablished(rttS: number): void {
    this.established = true;
    this.rtt.sample(rttS, 0, 0);
    this.state.srtt = this.rtt.srtt;
    this.state.minRtt = rttS;
  }

  /** The retransmission timeout now, s. */
  get rto(): number {
    return this.rtt.rto;
  }

  /** Append a message of `bytes` to the stream (sent once established and the window allows). */
  write(id: number, bytes: number): void {
    const now = this.core.now;
    const s = this.state;
    if (this.established) {
      // tcp_rate_check_app_limited: less than a segment unsent, room in the window and no
      // loss to repair: what is in flight now was sent by an application that ran dry.
      this.updateInflight();
      if (this.segCount === this.nxt && s.inflight < s.cwnd && this.lostOut <= this.retransOut) this.appLimited = s.delivered + s.inflight || 1;
    }
    if (this.una === this.nxt && this.segCount === this.nxt && this.established) this.validation.beforeWrite(s, now - this.lastSendTime, this.rto, now);
    let left = bytes;
    do {
      const b = Math.min(left, this.mss);
      this.ensureSeg(this.segCount + 1);
      this.segBytes[this.segCount] = b;
      this.segMessage[this.segCount] = id;
      this.segFlags[this.segCount] = 0;
      this.segCount++;
      left -= b;
    } while (left > 0);
    this.messageEnds.push(this.segCount);
    this.messageIds.push(id);
    if (this.established) this.trySend(now);
  }

  /** The receiver answers message `id` now (when replies are not automatic). */
  reply(id: number): void {
    this.sendReply(id, this.core.now);
  }

  // ---- packets arriving -------------------------------------------------------------------

  receive(p: Packet, now: number): void {
    switch (p.kind) {
      case PacketKind.Syn:
        this.synEcho = p.echo;
        this.sendSynAck(now);
        return;
      case PacketKind.SynAck:
        if (this.established) return;
        this.established = true;
        this.rttSample(now - p.echo);
        this.events.onEstablished?.(now);
        this.trySend(now);
        return;
      case PacketKind.Data:
        this.receiveData(p, now);
        return;
      case PacketKind.Ack:
        this.receiveAck(p, now);
        return;
      case PacketKind.Reply:
        if (p.ack > this.una || p.sack >= 0) this.receiveAck(p, now);
        this.events.onReply?.(p.message, now);
        return;
      default:
        return;
    }
  }

  /**
   * A packet of ours was lost. Data and ACKs recover through TCP's own mechanisms; for the
   * handshake and the (one-packet) reply we schedule the retransmission the peer's timer would
   * make, at the time that timer would fire.
   */
  dropped(p: Packet, now: number): void {
    if (p.kind === PacketKind.Data) this.events.onDataLost?.(p.message, now);
    if (p.kind === PacketKind.Syn || p.kind === PacketKind.SynAck) {
      this.synRetries = p.seq + 1;
      this.core.scheduleAt(Math.max(now, p.sentAt + INITIAL_RTO_S * 2 ** p.seq), this.synRetry, p.kind);
    } else if (p.kind === PacketKind.Reply) {
      this.core.scheduleAt(Math.max(this.core.now, p.sentAt + this.rto), this.replyRetry, p.message);
    }
  }

  private synRetries = 0;
  /** Timestamp of the SYN being answered, echoed in the SYN-ACK (the client's first RTT sample). */
  private synEcho = 0;

  private sendSyn(now: number): void {
    const p = this.pool.take(PacketKind.Syn, SYN_BYTES + this.overhead, this);
    p.seq = this.synRetries;
    p.echo = now;
    p.sentAt = now;
    this.uplink.send(p);
  }

  private sendSynAck(now: number): void {
    const p = this.pool.take(PacketKind.SynAck, SYN_BYTES + this.overhead, this);
    p.seq = this.synRetries;
    p.echo = this.synEcho;
    p.sentAt = now;
    this.downlink.send(p);
  }

  private sendReply(id: number, now: number, sack = -1, echo = 0): void {
    const p = this.pool.take(PacketKind.Reply, IP_TCP_HEADER_BYTES + this.replyBytes + this.overhead, this);
    p.message = id;
    p.sentAt = now;
    p.ack = this.rcvNxt;
    p.sack = sack;
    p.echo = echo;
    this.downlink.send(p);
  }

  // ---- receiver -------------------------------------------------------------------------------

  private receiveData(p: Packet, now: number): void {
    // Bounds: rcvMessageIdx < messageEnds.length (the loop's test), and messageIds runs beside messageEnds.
    const seq = p.seq;
    if (seq >= this.received.length) {
      const grown = new Uint8Array(Math.max(this.received.length * 2, seq + 1));
      grown.set(this.received);
      this.received = grown;
    }
    this.received[seq] = 1;
    while (this.rcvNxt < this.segCount && this.received[this.rcvNxt] === 1) this.rcvNxt++;
    let acked = false;
    while (this.rcvMessageIdx < this.messageEnds.length && this.rcvNxt >= this.messageEnds[this.rcvMessageIdx]!) {
      const id = this.messageIds[this.rcvMessageIdx]!;
      this.rcvMessageIdx++;
      this.events.onMessageReceived?.(id, now);
      if (this.replyBytes > 0 && this.autoReply) {
        // The reply carries the ACK (piggybacked), as the kernel does when the application
        // answers at once.
        this.sendReply(id, now, seq, p.echo);
        acked = true;
      }
    }
    if (acked) return;
    const ack = this.pool.take(PacketKind.Ack, IP_TCP_HEADER_BYTES + this.overhead, this);
    ack.ack = this.rcvNxt;
    ack.sack = seq;
    ack.sack2 = this.oooRecent1;
    ack.sack3 = this.oooRecent2;
    ack.echo = p.echo;
    ack.sentAt = now;
    this.downlink.send(ack);
    if (seq >= this.rcvNxt) {
      this.oooRecent2 = this.oooRecent1;
      this.oooRecent1 = seq;
    }
  }

  // ---- sender ---------------------------------------------------------------------------------

  private receiveAck(p: Packet, now: number): void {
    // Bounds: una <= a segment < nxt, and the per-segment arrays are grown before a segment is made (ensureSeg), so every segment up to nxt has its entries; newest is such a segment.
    const s = this.state;
    let newlyDelivered = 0;
    let newest = -1; // most recently sent segment delivered by this ACK
    const prevUna = this.una;
    // Cumulative part.
    while (this.una < p.ack) {
      const f = this.segFlags[this.una]!;
      if (f & SEG_SACKED) this.sackedOut--;
      else {
        newlyDelivered++;
        if (f & SEG_LOST) this.lostOut--;
        if (f & SEG_RETRANS) this.retransOut--;
        if (newest < 0 || this.sentTime[this.una]! > this.sentTime[newest]!) newest = this.una;
      }
      this.una++;
    }
    // SACK blocks: the segment that triggered this ACK and the two out-of-order ones before it
    // (real SACK options carry 3-4 blocks, so one lost ACK does not hide a delivery).
    for (let b = 0; b < 3; b++) {
      const sk = b === 0 ? p.sack : b === 1 ? p.sack2 : p.sack3;
      if (sk < this.una || sk >= this.nxt || this.segFlags[sk]! & SEG_SACKED) continue;
      const f = this.segFlags[sk]!;
      if (f & SEG_LOST) this.lostOut--;
      if (f & SEG_RETRANS) this.retransOut--;
      this.segFlags[sk] = SEG_SACKED;
      this.sackedOut++;
      newlyDelivered++;
      if (newest < 0 || this.sentTime[sk]! > this.sentTime[newest]!) newest = sk;
    }
    if (this.una > prevUna) {
      this.backoff = 1;
      this.tlpUsed = false;
    }
    const rtt = now - p.echo;
    if (newlyDelivered > 0) this.rttSample(rtt);

    let rate = 0;
    let roundStart = false;
    if (newest >= 0) {
      s.delivered += newlyDelivered;
      if (this.appLimited !== 0 && s.delivered > this.appLimited) this.appLimited = 0;
      s.appLimitedSample = this.appLimitedAtSend[newest] === 1;
      // Delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation).
      const sendElapsed = this.sentTime[newest]! - this.firstSentAtSend[newest]!;
      const ackElapsed = now - this.delTimeAtSend[newest]!;
      const interval = Math.max(sendElapsed, ackElapsed);
      if (interval > 0) rate = (s.delivered - this.delAtSend[newest]!) / interval;
      this.firstSentTime = this.sentTime[newest]!;
      this.deliveredTime = now;
      if (this.delAtSend[newest]! >= this.nextRoundDelivered) {
        roundStart = true;
        this.nextRoundDelivered = s.delivered;
      }
      if (this.sentTime[newest]! > this.rackXmitTime) this.rackXmitTime = this.sentTime[newest]!;
    }
    this.detectLosses(now);
    this.updateInflight();
    s.cwndLimited = this.validation.limits(s);
    if (newlyDelivered > 0) this.cc.onAck(s, newlyDelivered, rtt, rate, now, roundStart);
    if (s.inRecovery && this.una >= this.recoveryPoint) {
      s.inRecovery = false;
      this.cc.onExitRecovery(s, now);
    }
    if (this.una === this.nxt) this.rtoDeadline = Infinity;
    else if (newlyDelivered > 0) this.rtoDeadline = now + this.rto * this.backoff;
    this.trySend(now);
  }

  /** RACK: an unsacked segment sent before the newest delivered one is lost (no reordering here). */
  private detectLosses(now: number): void {
    const s = this.state;
    if (this.lossScan < this.una) this.lossScan = this.una;
    let found = false;
    // Original transmissions: in sequence order, so stop at the first sent after rackXmitTime.
    while (this.lossScan < this.nxt && this.sentTime[this.lossScan]! < this.rackXmitTime) {
      const f = this.segFlags[this.lossScan]!;
      if (!(f & (SEG_SACKED | SEG_LOST | SEG_RETRANS))) {
        this.segFlags[this.lossScan] = f | SEG_LOST;
        this.lostOut++;
        found = true;
        if (this.lossScan < this.retxScan) this.retxScan = this.lossScan;
      }
      this.lossScan++;
    }
    // Retransmissions below the scan point that were themselves lost.
    if (this.retransOut > 0) {
      for (let i = this.una; i < this.lossScan; i++) {
        const f = this.segFlags[i]!;
        if (f & SEG_RETRANS && !(f & SEG_SACKED) && this.sentTime[i]! < this.rackXmitTime) {
          // Lost again: still counted in lostOut (the flag never left), no longer in flight.
          this.segFlags[i] = (f & ~SEG_RETRANS) | SEG_LOST;
          this.retransOut--;
          found = true;
          if (i < this.retxScan) this.retxScan = i;
        }
      }
    }
    if (found && !s.inRecovery) {
      this.updateInflight();
      s.inRecovery = true;
      this.recoveryPoint = this.nxt;
      this.cc.onEnterRecovery(s, now);
    }
  }

  private updateInflight(): void {
    this.state.inflight = this.nxt - this.una - this.sackedOut - this.lostOut + this.retransOut;
  }

  private trySend(now: number): void {
    if (!this.established) return;
    const s = this.state;
    // The initial window leaves unpaced: measured 10 KB transfers on Linux BBR take 2 RTT flat
    // even at 200 ms, where pacing it at BBR's initial rate would add ~50 ms.
    const rate = s.delivered === 0 ? Infinity : this.cc.pacingRate(s);
    let sent = 0;
    let windowFull = false;
    let pacedWait = false;
    for (;;) {
      this.updateInflight();
      if (s.inflight >= Math.floor(s.cwnd)) {
        windowFull = this.nxt < this.segCount || this.lostOut > this.retransOut;
        break;
      }
      // Retransmit lost segments first, in order.
      if (this.retxScan < this.una) this.retxScan = this.una;
      let seg = -1;
      if (this.lostOut > this.retransOut) {
        while (this.retxScan < this.nxt) {
          const f = this.segFlags[this.retxScan]!; // retxScan < nxt, a segment made
          if (f & SEG_LOST && !(f & (SEG_RETRANS | SEG_SACKED))) {
            seg = this.retxScan;
            break;
          }
          this.retxScan++;
        }
      }
      if (seg < 0 && this.nxt < this.segCount) seg = this.nxt;
      if (seg < 0) break;
      if (this.options.smallQueues && this.uplink.backlogBytes >= this.smallQueueLimitBytes(rate)) {
        this.tsqThrottled = true;
        break;
      }
      if (rate !== Infinity && !this.pacer.maysend(rate, now)) {
        this.armTimer(this.pacer.next);
        pacedWait = true;
        break;
      }
      this.transmit(seg, now);
      sent++;
      this.pacer.sent();
    }
    if (rate !== Infinity && !pacedWait) this.pacer.endBurst(rate);
    if (sent > 0 || windowFull) this.validation.afterSend(s, windowFull, this.nxt - this.una, this.una, this.nxt, this.rto, now);
    if (!pacedWait) this.armTlp(now);
  }

  /**
   * tcp_small_queue_check: at most about 1 ms of the pacing rate (Linux sets one for every
   * connection: 2x cwnd / SRTT in slow start, 1.2x after) and at least two 2-segment packets
   * (their truesize) in the sender's queue.
   */
  private smallQueueLimitBytes(pacing: number): number {
    const s = this.state;
    const packet = this.mss + IP_TCP_HEADER_BYTES + this.overhead;
    const minimum = 2 * (2 * packet + 1024);
    let rate = pacing;
    if (rate === Infinity) {
      if (s.srtt === 0) return Infinity;
      rate = ((s.cwnd < s.ssthresh / 2 ? 2 : 1.2) * s.cwnd) / s.srtt;
    }
    return Math.max(minimum, (rate * packet) / 1024);
  }

  /** A packet of ours left the uplink: a sender held back by TCP small queues continues. */
  departed(p: Packet, now: number): void {
    if (p.kind !== PacketKind.Data || !this.tsqThrottled) return;
    this.tsqThrottled = false;
    this.trySend(now);
  }

  private transmit(seg: number, now: number): void {
    // Bounds: seg <= nxt < segCount, and the per-segment arrays hold every segment made (ensureSeg).
    const s = this.state;
    if (this.nxt === this.una && this.sackedOut === 0) {
      // Flight empty: delivery-rate intervals restart here, and the congestion control hears
      // that sending resumes (CA_EVENT_TX_START).
      this.firstSentTime = now;
      this.deliveredTime = now;
      if (this.segmentsSent > 0) this.cc.onTransmitStart?.(s, now - this.lastSendTime, this.appLimited !== 0, now);
    }
    if (seg === this.nxt) this.nxt++;
    else {
      this.segFlags[seg] = this.segFlags[seg]! | SEG_RETRANS;
      this.retransOut++;
      this.retransmissions++;
    }
    this.sentTime[seg] = now;
    this.delAtSend[seg] = s.delivered;
    this.delTimeAtSend[seg] = this.deliveredTime;
    this.firstSentAtSend[seg] = this.firstSentTime;
    this.appLimitedAtSend[seg] = this.appLimited !== 0 ? 1 : 0;
    this.segmentsSent++;
    this.lastSendTime = now;
    const p = this.pool.take(PacketKind.Data, this.segBytes[seg]! + IP_TCP_HEADER_BYTES + this.overhead, this);
    p.seq = seg;
    p.echo = now;
    p.message = this.segMessage[seg]!;
    p.sentAt = now;
    this.uplink.send(p);
    if (this.rtoDeadline === Infinity) {
      this.rtoDeadline = now + this.rto * this.backoff;
      this.armTimer(this.rtoDeadline);
    }
  }

  /** Tail loss probe (RFC 8985): if the flight goes quiet for 2 SRTT, resend the last segment. */
  private armTlp(now: number): void {
    if (this.una === this.nxt || this.tlpUsed || this.state.srtt === 0) this.tlpDeadline = Infinity;
    else this.tlpDeadline = now + 2 * this.state.srtt + 0.002;
    // Always (re)arm: the RTO must stay armed even when no probe is allowed.
    const at = Math.min(this.tlpDeadline, this.rtoDeadline);
    if (at !== Infinity) this.armTimer(at);
  }

  private armTimer(at: number): void {
    if (at < this.timerAt) {
      this.timerAt = at;
      this.core.scheduleAt(Math.max(at, this.core.now), this.timerHandler, 0);
    }
  }

  private onTimer(now: number): void {
    // Bounds: una <= i < nxt <= segCount, and the per-segment arrays hold every segment made (ensureSeg); una < nxt here, so last = nxt - 1 is one.
    if (now < this.timerAt - 1e-12) return; // superseded by an earlier arming that already ran
    this.timerAt = Infinity;
    const s = this.state;
    if (now >= this.rtoDeadline - 1e-12 && this.una < this.nxt) {
      // Retransmission timeout: everything outstanding is presumed lost.
      this.timeouts++;
      for (let i = this.una; i < this.nxt; i++) {
        const f = this.segFlags[i]!;
        if (f & SEG_SACKED) continue;
        if (f & SEG_RETRANS) this.retransOut--;
        if (!(f & SEG_LOST)) this.lostOut++;
        this.segFlags[i] = SEG_LOST;
      }
      this.retxScan = this.una;
      this.updateInflight();
      this.cc.onTimeout(s, now);
      s.inRecovery = true;
      this.recoveryPoint = this.nxt;
      this.backoff = Math.min(this.backoff * 2, 64);
      this.rtoDeadline = Infinity;
      this.tlpUsed = true;
      this.pacer.reset(now);
      this.trySend(now);
      if (this.rtoDeadline !== Infinity) this.armTimer(this.rtoDeadline);
      return;
    }
    if (now >= this.tlpDeadline - 1e-12 && this.una < this.nxt) {
      this.tlpDeadline = Infinity;
      this.tlpUsed = true;
      if (this.nxt < this.segCount && s.inflight < s.cwnd) this.trySend(now);
      else {
        const last = this.nxt - 1;
        if (!(this.segFlags[last]! & SEG_SACKED)) {
          // Probe: a copy of the last segment, outside the window (it is not marked lost).
          this.segmentsSent++;
          this.retransmissions++;
          this.sentTime[last] = now;
          const p = this.pool.take(PacketKind.Data, this.segBytes[last]! + IP_TCP_HEADER_BYTES + this.overhead, this);
          p.seq = last;
          p.echo = now;
          p.message = this.segMessage[last]!;
          p.sentAt = now;
          this.uplink.send(p);
        }
      }
    } else {
      this.trySend(now);
    }
    const next = Math.min(this.rtoDeadline, this.tlpDeadline);
    if (next !== Infinity && this.una < this.nxt) this.armTimer(next);
  }

  private rttSample(rtt: number): void {
    if (!(rtt > 0)) return;
    const s = this.state;
    this.rtt.sample(rtt, this.una, this.nxt);
    s.srtt = this.rtt.srtt;
    if (s.minRtt === 0 || rtt < s.minRtt) s.minRtt = rtt;
  }

  private ensureSeg(n: number): void {
    if (n <= this.segBytes.length) return;
    const size = Math.max(n, this.segBytes.length * 2);
    const grow = <A extends Int32Array | Uint8Array | Float64Array>(a: A, make: (k: number) => A): A => {
      const g = make(size);
      g.set(a);
      return g;
    };
    this.segBytes = grow(this.segBytes, (k) => new Int32Array(k));
    this.segMessage = grow(this.segMessage, (k) => new Int32Array(k));
    this.segFlags = grow(this.segFlags, (k) => new Uint8Array(k));
    this.sentTime = grow(this.sentTime, (k) => new Float64Array(k));
    this.delAtSend = grow(this.delAtSend, (k) => new Float64Array(k));
    this.delTimeAtSend = grow(this.delTimeAtSend, (k) => new Float64Array(k));
    this.firstSentAtSend = grow(this.firstSentAtSend, (k) => new Float64Array(k));
    this.appLimitedAtSend = grow(this.appLimitedAtSend, (k) => new Uint8Array(k));
  }
}
