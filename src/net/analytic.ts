/**
 * Closed-form (well, a few-step loop) model of a TCP transfer and of a split inference's
 * end-to-end latency. Fast: one call is a handful of arithmetic steps, so sweeps of 10^4
 * configurations take milliseconds.
 *
 * Transfer, from connect() to the receiver's reply arriving back (what the real-link validation
 * measures):
 *   handshake       1 RTT + SYN serialisation (new connections only);
 *   packets         n = ceil(bytes / MSS), MSS = MTU - 52 (IP 20 + TCP 20 + timestamps 12),
 *                   each carrying 52 bytes of headers (+ link-layer overhead);
 *   slow start      the window starts at 10 segments and doubles every round (RTT + one packet
 *                   time) until it covers the bandwidth-delay product; BBR's STARTUP grows the
 *                   same way (gain 2/ln 2 on the delivery rate), paced rather than bursty;
 *   rate-limited    once the pipe is full the rest leaves at the bottleneck rate;
 *   tail            the last byte needs RTT/2 to arrive and the reply RTT/2 to come back;
 *   loss            expected retransmissions n*p, each costing one packet time; a loss in the
 *                   last flight is found by the tail loss probe (~2 SRTT) instead of by later
 *                   ACKs; Reno/CUBIC also cap the rate by their loss response (Mathis et al.
 *                   for Reno, RFC 9438 for CUBIC), BBR does not slow down for random loss;
 *                   a lost SYN or SYN-ACK costs the 1 s initial RTO.
 * Both the mean (expected losses) and the typical (median: round(n*p) data losses, no handshake
 * loss) times are returned, since measured medians are what the validation compares.
 *
 * A kept-alive connection (`warm`) starts from what its earlier frames left: the window (Reno,
 * CUBIC; restarted after an idle longer than the RTO when net.ipv4.tcp_slow_start_after_idle is
 * on) or BBR's bandwidth estimate and pacing rate (kept over any gap); warm-state.ts has the math.
 */
import { checkPath, queueBytesOf, type PathSpec } from './path.js';
import { INITIAL_RTO_S, INITIAL_WINDOW, IP_TCP_HEADER_BYTES, SYN_BYTES, mssForMtu } from './tcp.js';
import { sendFrame, WARM_DEFAULTS, warmConnectionState, type Geometry, type WarmConnection } from './warm-state.js';
import { BadRequestError } from '../errors.js';

export type { WarmConnection } from './warm-state.js';

export interface TransferEstimate {
  /** Expected (mean) time, ms. */
  readonly ms: number;
  /** Typical (median) time, ms: the likely number of losses, no handshake loss. */
  readonly typicalMs: number;
  readonly handshakeMs: number;
  /** Time from the first data byte leaving to the last byte arriving, without loss, ms. */
  readonly dataMs: number;
  /** Expected extra time from loss, ms. */
  readonly lossMs: number;
  readonly packets: number;
  readonly wireBytes: number;
  /** Slow-start rounds before the pipe filled (or the data ran out). */
  readonly rounds: number;
}

export interface TransferModelOptions {
  /** New connection: add the handshake. Default true. */
  readonly handshake?: boolean;
  /** Reply payload, bytes (default 1): its serialisation on the downlink. */
  readonly replyBytes?: number;
  /** Host processing per transfer (sockets, event loop), ms; calibrated on the real runs. */
  readonly hostOverheadMs?: number;
  /**
   * A kept-alive connection that carried earlier frames: no handshake, and the transfer starts
   * from the state those frames left (warm-state.ts). Linux's BBR keeps its bandwidth estimate
   * and pacing rate over idle gaps (small frames stay paced at 2.89 x their delivery rate);
   * CUBIC and Reno keep their window unless the gap exceeds the RTO and
   * net.ipv4.tcp_slow_start_after_idle is on. `true` means WARM_DEFAULTS: two earlier frames of
   * the same size, 50 ms apart.
   */
  readonly warm?: boolean | WarmConnection;
}

/** Calibrated on bench/netem (Node sender and receiver in namespaces): socket setup and two event-loop turns, ~1 ms over the network time at 5 ms RTT. */
export const DEFAULT_HOST_OVERHEAD_MS = 1.0;

/** Above this many initial windows of BDP, BBR's second round does not double (see below). */
const BBR_PACED_SECOND_ROUND_BDP = 6;

/** Rounds of growth lost to a loss during slow start (calibrated, see estimateTransfer). */
const STARTUP_LOSS_STALL_ROUNDS = 0.75;

/**
 * Time to send `n` packets under a loss-based congestion control with random loss `p`, by
 * rounds: slow start doubles the window until the expected losses so far reach one, then each
 * expected loss cuts the window (Reno x0.5, CUBIC x0.7) and congestion avoidance grows it again
 * (Reno +1 packet per round; CUBIC along C (t - K)^3 + Wmax, never below its Reno-friendly
 * estimate, RFC 9438). A round lasts RTT + one packet, or the window's serialisation when that
 * is longer (the pipe is full). SACK recovery overlaps with sending, so a loss costs its
 * retransmission (counted by the caller) and the smaller windows after it, not a stall.
 * Returns the time until the last packet has left, seconds.
 */
function lossBasedSendS(n: number, cc: 'reno' | 'cubic', p: number, rtt: number, pkt: number, credit: number, initialWindow: number): number {
  const beta = cc === 'reno' ? 0.5 : 0.7;
  const c = 0.4;
  let t = 0;
  let rem = n;
  let w = initialWindow;
  let slowStart = true;
  let budget = 0;
  let wMax = 0;
  let k = 0;
  let epoch = 0;
  for (;;) {
    const s = Math.min(Math.max(1, Math.floor(w)), rem);
    if (s === rem) return t + rem * pkt - credit;
    const round = Math.max(rtt + pkt, s * pkt);
    t += round;
    rem -= s;
    budget += s * p;
    if (budget >= 1) {
      budget -= Math.floor(budget); // several losses in one round are one recovery episode
      // The loss is noticed a round after it was sent: in slow start the window has doubled by then.
      wMax = slowStart ? 2 * w : w;
      w = Math.max(beta * w, 2);
      slowStart = false;
      epoch = 0;
      k = Math.cbrt((wMax * (1 - beta)) / c);
    } else if (slowStart) {
      w *= 2;
    } else if (cc === 'reno') {
      w += 1;
    } else {
      epoch += round;
      const cubic = c * (epoch - k) ** 3 + wMax;
      const friendly = wMax * beta + ((3 * (1 - beta)) / (1 + beta)) * (epoch / rtt);
      w = Math.max(cubic, friendly, 2);
    }
  }
}

/** How a transfer's packets leave: time until the last has been serialised (before the bucket's credit), rounds, and what loss costs in them. */
interface SendModel {
  readonly t: number;
  readonly rounds: number;
  /** Expected growth stall from loss during the rounds, s. */
  readonly startupLossS: number;
  /** The window the transfer starts from (for the loss-based recovery model). */
  readonly initialWindow: number;
  /**
   * Packets of the last flight of a warm transfer: nothing sent after them overlaps the repair
   * of a loss among them, which costs a round trip (RACK sees it when the packets after it are
   * acknowledged, the retransmission takes another). Measured: 91 packets at 100 Mbit/s x 50 ms,
   * one in a flight, took 137 ms with 1% loss against 86 ms without (bench/netem-inference).
   */
  readonly lastFlight?: number;
  /** The last round left paced below the link rate. */
  readonly paced?: boolean;
}

/**
 * A new connection: slow start by rounds. A round's window leaves back to back (paced by BBR at
 * about the same spacing) and its first ACK returns RTT + one packet later; when the window
 * takes longer to send than that, the pipe is full and the rest streams at the bottleneck rate.
 */
function freshSend(n: number, cc: string, rtt: number, pkt: number, bdpPackets: number, p: number): SendModel {
  let t = 0;
  let rem = n;
  let w = INITIAL_WINDOW;
  let rounds = 0;
  let startupLossS = 0;
  for (;;) {
    const s = Math.min(w, rem);
    rounds++;
    if (s === rem || s * pkt >= rtt + pkt) {
      t += rem * pkt;
      break;
    }
    t += rtt + pkt;
    rem -= s;
    startupLossS += roundLossStallS(s, p, rtt + pkt);
    // BBR's second round: its pacing rate is 2/ln2 x the first round's delivery rate (~IW per
    // RTT) and never lower, so on a long fat pipe the second window leaves spread over ~0.7 RTT
    // and the flight only starts doubling from the third round. Measured on the real-link grid
    // (bench/netem): 100 KB at 10 Mbit/s x 200 ms and 100 Mbit/s x 50 ms take one more RTT than
    // plain doubling predicts, at 10 Mbit/s x 50 ms (BDP 42 packets) they do not.
    if (!(cc === 'bbr' && rounds === 1 && bdpPackets > BBR_PACED_SECOND_ROUND_BDP * INITIAL_WINDOW)) w *= 2;
  }
  return { t, rounds, startupLossS, initialWindow: INITIAL_WINDOW };
}

/**
 * A loss while the window is still growing stalls the growth: recovery holds the flight (packet
 * conservation in BBR, a cut window in Reno/CUBIC) for about a round, though what is delivered
 * meanwhile still counts. Expected cost: P(loss in this round) x 3/4 round, the fraction
 * measured on the real-link grid (bench/netem, 1 MB at 1%).
 */
function roundLossStallS(flight: number, p: number, roundS: number): number {
  return (1 - (1 - p) ** flight) * STARTUP_LOSS_STALL_ROUNDS * roundS;
}

/** A kept-alive connection: the earlier frames' state (warm-state.ts), then this frame's rounds. */
function warmSend(n: number, bytes: number, warm: WarmConnection, path: PathSpec, mss: number, overhead: number, fullPkt: number, upBit: number, p: number): SendModel {
  const frames = warm.frames ?? WARM_DEFAULTS.frames;
  if (!(Number.isInteger(frames) && frames >= 0)) throw new BadRequestError(`warm.frames must be a non-negative integer, got ${frames}`);
  const gapMs = warm.gapMs ?? WARM_DEFAULTS.gapMs;
  if (!(gapMs >= 0) || !Number.isFinite(gapMs)) throw new BadRequestError(`warm.gapMs must be >= 0, got ${gapMs}`);
  const frameBytes = warm.frameBytes ?? bytes;
  if (!(frameBytes > 0)) throw new BadRequestError(`warm.frameBytes must be > 0, got ${frameBytes}`);
  const rtt = path.rttMs / 1000;
  const g: Geometry = { packetS: fullPkt, rttS: rtt, queuePackets: queueBytesOf(path) / (mss + overhead), cc: path.congestionControl ?? 'bbr' };
  const handshakeRtt = rtt + 2 * SYN_BYTES * upBit;
  const state = warmConnectionState(Math.ceil(frameBytes / mss), frames, gapMs / 1000, g, handshakeRtt, warm.slowStartAfterIdle ?? WARM_DEFAULTS.slowStartAfterIdle);
  const initialWindow = state.w;
  const sent = sendFrame(state, n, g);
  let startupLossS = 0;
  for (const flight of sent.flights) startupLossS += roundLossStallS(flight, p, rtt + fullPkt);
  return { t: sent.sendS, rounds: sent.rounds, startupLossS, initialWindow, lastFlight: sent.lastFlight, paced: sent.paced };
}

export function estimateTransfer(bytes: number, path: PathSpec, opts: TransferModelOptions = {}): TransferEstimate {
  checkPath(path);
  if (!(bytes > 0)) throw new BadRequestError(`bytes must be > 0, got ${bytes}`);
  const cc = path.congestionControl ?? 'bbr';
  const mss = mssForMtu(path.mtu);
  const overhead = IP_TCP_HEADER_BYTES + (path.linkOverheadBytes ?? 0);
  const n = Math.ceil(bytes / mss);
  const wireBytes = bytes + n * overhead;
  const upBit = 8 / path.uplinkBps;
  const rtt = path.rttMs / 1000;
  const fullPkt = (mss + overhead) * upBit; // one full packet's time on the uplink
  const bucket = path.burstBytes ?? 0;
  const p = path.lossRate;
  const pkt = fullPkt;
  // An idle token bucket (tc tbf) lets as many packets as it holds pass at once; a paced
  // sender finds it refilled before every packet, which saves each only its own wait.
  const bucketPackets = Math.floor(bucket / (mss + overhead));
  const warm = opts.warm === true ? WARM_DEFAULTS : opts.warm || undefined;
  const send = warm ? warmSend(n, bytes, warm, path, mss, overhead, fullPkt, upBit, p) : freshSend(n, cc, rtt, pkt, rtt / fullPkt, p);
  const credit = Math.min(bucketPackets, send.paced ? 1 : n) * fullPkt;
  let t = send.t - credit;
  const { rounds, startupLossS, initialWindow } = send;
  // The last packet is usually partial: subtract the part of a full packet it does not carry.
  const lastPayload = bytes - (n - 1) * mss;
  t -= (mss - lastPayload) * upBit;
  const replyS = ((opts.replyBytes ?? 1) + overhead) * (8 / path.downlinkBps);
  const dataS = t + rtt + replyS; // last byte: RTT/2 there; reply: RTT/2 back + its serialisation
  const handshake = opts.handshake !== false && !warm;
  const handshakeS = handshake ? rtt + 2 * SYN_BYTES * upBit : 0;
  const host = (opts.hostOverheadMs ?? DEFAULT_HOST_OVERHEAD_MS) / 1000;

  // Loss. Each lost packet is sent again (one packet time). If the loss falls in the final
  // flight nothing after it triggers detection: the tail loss probe waits ~2 SRTT.
  const srtt = rtt + fullPkt;
  const finalFlight = Math.min(n, Math.max(1, Math.ceil((rtt + pkt) / pkt)));
  const perLoss = pkt;
  const expectedLosses = n * p;
  const pTail = 1 - (1 - p) ** Math.min(finalFlight, 3);
  const tailCost = pTail * (2 * srtt);
  const synLoss = handshake ? (1 - (1 - p) ** 2) * INITIAL_RTO_S : 0;
  const replyLoss = p * Math.max(0.2, 2 * srtt);
  // Growth lost to loss: BBR keeps its rate but stalls during recovery rounds (startupLossS);
  // Reno and CUBIC cut their windows (the round model above, minus the loss-free time).
  const growthLossS = cc === 'bbr' || p === 0 ? startupLossS : Math.max(0, lossBasedSendS(n, cc, p, rtt, pkt, credit, initialWindow) - (t + (mss - lastPayload) * upBit));
  const lastFlightClean = send.lastFlight === undefined ? 1 : (1 - p) ** send.lastFlight;
  const recoveryRoundS = send.lastFlight === undefined ? 0 : srtt;
  const lossS = expectedLosses * perLoss + growthLossS + tailCost + synLoss + replyLoss + (1 - lastFlightClean) * recoveryRoundS;
  const typicalLosses = Math.round(expectedLosses);
  // Typical (median) transfers see a loss only when one is expected more often than not.
  const typicalLossS = (typicalLosses > 0 ? typicalLosses * perLoss + growthLossS + tailCost : 0) + (lastFlightClean < 0.5 ? recoveryRoundS : 0);

  const base = handshakeS + dataS + host;
  return {
    ms: (base + lossS) * 1000,
    typicalMs: (base + typicalLossS) * 1000,
    handshakeMs: handshakeS * 1000,
    dataMs: dataS * 1000,
    lossMs: lossS * 1000,
    packets: n,
    wireBytes,
    rounds,
  };
}
