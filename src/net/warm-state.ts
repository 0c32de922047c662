/**
 * The analytic model of a kept-alive TCP connection: what the frames it already carried leave
 * behind, and how long the next frame takes to leave on it. Each frame is a handful of rounds,
 * so the whole history costs a few dozen arithmetic steps (the QoS sweep runs 10^5 of them).
 *
 * Notation: tau = one full packet's time on the uplink, R = RTT, b = R / tau (the BDP in
 * packets), IW = 10, n = packets of a frame.
 *
 * Reno and CUBIC (Linux, tcp_output.c / tcp_cong.c):
 *   - the window grows by one packet per packet acknowledged in slow start, but only while it
 *     limits the sender (tcp_is_cwnd_limited: in slow start, while it is under twice the largest
 *     flight): a flight that covers the frame leaves w <- max(w, min(w + n, 2n)); a window that
 *     stays full doubles per round; once the pipe is full it grows with every ACK until slow
 *     start ends (CUBIC's HyStart at b + eta / tau, eta = clamp(R / 8, 4 ms, 16 ms); Reno at
 *     the drop-tail buffer b + Q, halving);
 *   - tcp_slow_start_after_idle (net.ipv4, default 1): when the connection was idle for longer
 *     than the RTO (Linux: SRTT + 200 ms), the window is halved once per RTO of idle and never
 *     below IW, and ssthresh keeps 3/4 of the old window (tcp_cwnd_restart):
 *         h = ceil(idle / RTO) - 1,   w <- max(w / 2^h, min(w, IW)),   ssthresh <- max(ssthresh, 3w/4);
 *     with the sysctl off the window is kept.
 * BBR (tcp_bbr.c) is exempt from both and keeps its model over idle gaps: the bandwidth
 * estimate B (a max filter fed only samples that are not application-limited or beat it) and
 * the mode. Frames that never fill the pipe are app-limited, so BBR stays in STARTUP and paces
 * at P = 2.885 x 0.99 x B, never below its initial P0 = 2.885 x 0.99 x IW / R. The delivery rate
 * of a flight of s packets that takes L to leave from idle is s / (R + tau + L) (roundRate has
 * the later rounds of a frame), so a warm frame leaves at
 * spacing d = max(tau, 1 / P): the fixed point of B = s / (R + tau + s / (g B)) gives
 *     P = (s (g - 1) + 1) / (R + tau),  g = 2.856:
 * a frame shorter than about half a BDP takes about R / (g - 1) = 0.54 RTT to leave, not s tau
 * (ss -ti on the real link: 14 packets at 10 Mbit/s x 50 ms pace at 7.6 Mbit/s; 91 packets at
 * 50 Mbit/s x 100 ms add 35 ms to a 122 ms transfer). Frames that fill the pipe end STARTUP after
 * three rounds without growth, and PROBE_BW paces at 0.99 B after an idle (B = the link rate).
 * Linux sends paced data in bursts of at least two segments (TSO autosizing) and forgives half
 * of the first burst's spacing after an idle (the EDT credit), so s paced packets leave over
 *     L(s, d) = max((s - 1) tau, (s - 3) d + tau)      (s >= 3; d > tau).
 */
import { INITIAL_WINDOW } from './tcp.js';
import { MIN_RTO_S } from './rto.js';
import type { CongestionControlName } from './congestion.js';

/** A kept-alive connection as the frames before this one left it. */
export interface WarmConnection {
  /** Frames the connection carried before this one, the first on a new connection (default 2). */
  readonly frames?: number;
  /** Bytes of each earlier frame (default: the same as this one). */
  readonly frameBytes?: number;
  /** The application's pause between a reply and the next write, ms (default 50). */
  readonly gapMs?: number;
  /** Linux's net.ipv4.tcp_slow_start_after_idle (default true, Linux's default). */
  readonly slowStartAfterIdle?: boolean;
}

/** Defaults of a warm connection: what `cleave simulate --connection warm` and the simulator's warm-up use. */
export const WARM_DEFAULTS = { frames: 2, gapMs: 50, slowStartAfterIdle: true } as const;

/** What the model needs of the path, in packets and seconds. */
export interface Geometry {
  /** One full packet's time on the uplink, s. */
  readonly packetS: number;
  readonly rttS: number;
  /** Drop-tail buffer of the bottleneck, packets. */
  readonly queuePackets: number;
  readonly cc: CongestionControlName;
}

/** BBR's STARTUP gain (2 / ln 2) with Linux's 1% pacing margin. */
const BBR_STARTUP_PACING = (2 / Math.LN2) * 0.99;
const BBR_HIGH_GAIN = 2 / Math.LN2;
const BBR_FULL_BW_ROUNDS = 3;
/** CUBIC's Reno-friendly growth per RTT in congestion avoidance: 3 (1 - beta) / (1 + beta). */
const CUBIC_FRIENDLY_PER_RTT = (3 * 0.3) / 1.7;

/** A connection's congestion state between frames. */
export interface ConnState {
  /** Congestion window, packets. */
  w: number;
  ssthresh: number;
  /** Data segments sent so far (Linux does not pace the first IW). */
  segsOut: number;
  /** BBR: bandwidth estimate and pacing rate, packets/s; still in STARTUP; full-bandwidth rounds. */
  bw: number;
  pacing: number;
  startup: boolean;
  fullBw: number;
  fullBwRounds: number;
}

/** Time until the last of `s` packets has started to leave at spacing `d`, the first `unpaced` at the link rate. */
export function leaveS(s: number, d: number, tau: number, unpaced = 0): number {
  if (s <= 1) return 0;
  const paced = s - Math.min(unpaced, s);
  if (d <= tau || paced < 3) return (s - 1) * tau;
  return Math.max((s - 1) * tau, Math.min(unpaced, s) * tau + (paced - 3) * d + tau);
}

function spacing(c: ConnState, g: Geometry): number {
  return g.cc === 'bbr' && c.pacing > 0 ? Math.max(g.packetS, 1 / c.pacing) : g.packetS;
}

/** Slow start ends here: CUBIC's HyStart (queueing delay eta), Reno at the drop-tail buffer. */
function slowStartCap(g: Geometry): number {
  const bdp = g.rttS / g.packetS;
  if (g.cc === 'cubic') return bdp + Math.min(Math.max(g.rttS / 8, 0.004), 0.016) / g.packetS;
  return bdp + g.queuePackets;
}

/** Window growth while `acked` packets are acknowledged in slow start, up to ssthresh / the cap. */
function growSlowStart(c: ConnState, acked: number, g: Geometry): void {
  const cap = Math.min(c.ssthresh, slowStartCap(g));
  const grown = c.w + acked;
  if (c.w < cap && grown >= cap) {
    if (g.cc === 'reno' && cap === slowStartCap(g) && cap < c.ssthresh) {
      c.w = c.ssthresh = Math.max(cap / 2, 2); // the buffer overflows: Reno halves
      return;
    }
    c.ssthresh = Math.min(c.ssthresh, cap);
  }
  c.w = Math.min(grown, Math.max(c.w, cap));
}

/** BBR's view of one round's delivery-rate sample (pkt/s); app-limited samples count only if they beat the estimate. */
function bbrSample(c: ConnState, rate: number, appLimited: boolean): void {
  if (rate > c.bw) c.bw = rate;
  if (c.startup && !appLimited) {
    if (c.bw >= c.fullBw * 1.25) {
      c.fullBw = c.bw;
      c.fullBwRounds = 0;
    } else if (++c.fullBwRounds >= BBR_FULL_BW_ROUNDS) {
      c.startup = false;
    }
  }
  c.pacing = c.startup ? Math.max(c.pacing, BBR_STARTUP_PACING * c.bw) : 0.99 * c.bw;
}

/**
 * The best delivery-rate sample of a round of `s` packets that took `leave` to send, after a
 * round of `prev`. The first round (from idle) delivers s over R + tau + leave. A later round's
 * packets go out as the previous round's ACKs return, two per ACK in slow start: the one sent
 * on the j-th ACK is acknowledged R + (j + 1) d later, when prev + j packets have been
 * delivered since, so the best (j = s / 2) is (prev + s / 2) / (R + (s / 2 + 1) d). On the real
 * link: 14 packets at 10 Mbit/s x 50 ms, 12 / (R + 3 d), 5% under the kernel's estimate; at
 * 50 Mbit/s x 100 ms within 1%.
 */
function roundRate(s: number, prev: number, leave: number, d: number, g: Geometry): number {
  const first = s / (g.rttS + g.packetS + leave);
  if (prev === 0) return first;
  return Math.max(first, (prev + s / 2) / (g.rttS + (s / 2 + 1) * d));
}

/** BBR's window: it grows by what is acked while under its target (gain x B x minRTT + 3). */
function bbrGrow(c: ConnState, acked: number, g: Geometry): void {
  const target = (c.startup ? BBR_HIGH_GAIN : 2) * c.bw * g.rttS + 3;
  if (c.startup) {
    if (c.w < target) c.w += acked;
  } else {
    c.w = Math.min(c.w + acked, Math.max(target, 4));
  }
}

/** A new connection's state, before its first frame: IW, BBR's pacing from the handshake RTT. */
export function newConnection(g: Geometry, handshakeRttS: number): ConnState {
  return {
    w: INITIAL_WINDOW,
    ssthresh: Infinity,
    segsOut: 0,
    bw: 0,
    pacing: g.cc === 'bbr' ? (BBR_STARTUP_PACING * INITIAL_WINDOW) / Math.max(handshakeRttS, 1e-4) : 0,
    startup: true,
    fullBw: 0,
    fullBwRounds: 0,
  };
}

/** One frame's send, from the write until its last packet has left, and the rounds it took. */
export interface FrameSend {
  readonly sendS: number;
  readonly rounds: number;
  /** Flights of the rounds before the last (the packets exposed to a growth stall by loss). */
  readonly flights: readonly number[];
  /** Packets of the last round: a loss among them is repaired in a round trip of its own. */
  readonly lastFlight: number;
  /** The last round left paced below the link rate (a token-bucket link never holds it back). */
  readonly paced: boolean;
}

/**
 * Send a frame of `n` packets on a connection in state `c` (updated in place): rounds of the
 * window, each RTT + tau long, until the rest leaves in one flight or a window is still leaving
 * when its first ACK returns (the pipe, or the pacing, is full: the rest follows at the spacing
 * d, BBR speeding up in STARTUP as its samples arrive). With d = tau and a window from IW this
 * is the new connection's round model of analytic.ts.
 */
export function sendFrame(c: ConnState, n: number, g: Geometry): FrameSend {
  const tau = g.packetS;
  const rtt = g.rttS;
  const flights: number[] = [];
  let t = 0;
  let rem = n;
  let rounds = 0;
  let prev = 0; // the previous round's flight: delivered within about one RTT of this round's sends
  for (;;) {
    const s = Math.min(Math.max(1, Math.floor(c.w)), rem);
    rounds++;
    const d = spacing(c, g);
    const unpaced = Math.max(0, INITIAL_WINDOW - c.segsOut);
    const leave = leaveS(s, d, tau, unpaced);
    if (leave < rtt && s === rem) {
      // Everything left in one flight that ends before its first ACK is back.
      t += leave + tau;
      c.segsOut += s;
      if (g.cc === 'bbr') {
        bbrSample(c, roundRate(s, prev, leave, d, g), rounds === 1);
        bbrGrow(c, s, g);
      } else if (c.w < c.ssthresh) {
        // Slow start grows only to twice the flight (tcp_is_cwnd_limited).
        c.w = Math.max(c.w, Math.min(c.w + s, 2 * s));
      }
      return { sendS: t, rounds, flights, lastFlight: s, paced: d > tau };
    }
    if (leave >= rtt) {
      // The window is still leaving when its first ACK is back (RTT + tau after its first
      // packet left): the sender never waits for ACKs again.
      if (g.cc !== 'bbr' || d <= tau || !c.startup) {
        t += leaveS(rem, d, tau, unpaced) + tau;
        c.segsOut += rem;
        if (g.cc === 'bbr') {
          // At the link rate (or PROBE_BW's pace, just under it): every RTT is a full round.
          const streamRounds = Math.max(1, Math.floor((rem * tau) / (rtt + tau)));
          for (let i = 0; i < streamRounds; i++) bbrSample(c, 1 / Math.max(tau, d), false);
          bbrGrow(c, rem, g);
        } else if (c.w < c.ssthresh) {
          growSlowStart(c, rem, g);
        }
        return { sendS: t, rounds, flights, lastFlight: Math.min(rem, Math.ceil((rtt + tau) / d)), paced: d > tau };
      }
      // BBR in STARTUP paced below the link rate: one RTT's worth leaves, its delivery rate
      // (the pacing rate) raises the estimate, and the next RTT is paced g times faster.
      const k = Math.max(1, Math.floor((rtt + tau) / d));
      t += k * d;
      rem -= k;
      c.segsOut += k;
      flights.push(k);
      bbrSample(c, 1 / d, rounds === 1);
      bbrGrow(c, k, g);
      prev = k;
      continue;
    }
    // A window that does not cover the frame: wait for its first ACK.
    t += rtt + tau;
    rem -= s;
    c.segsOut += s;
    flights.push(s);
    if (g.cc === 'bbr') {
      bbrSample(c, roundRate(s, prev, leave, d, g), rounds === 1);
      bbrGrow(c, s, g);
    } else if (c.w < c.ssthresh) {
      growSlowStart(c, s, g);
    } else {
      c.w += g.cc === 'reno' ? 1 : CUBIC_FRIENDLY_PER_RTT;
    }
    prev = s;
  }
}

/**
 * The idle between two frames (from the last data sent to the next write), as Linux treats it
 * for loss-based congestion control with tcp_slow_start_after_idle on; BBR keeps everything.
 */
export function idle(c: ConnState, idleS: number, g: Geometry, slowStartAfterIdle: boolean): void {
  if (g.cc === 'bbr' || !slowStartAfterIdle) return;
  const rto = g.rttS + g.packetS + MIN_RTO_S;
  if (!(idleS > rto)) return;
  const restart = Math.min(INITIAL_WINDOW, c.w);
  c.ssthresh = Math.max(c.ssthresh, 0.75 * c.w);
  let w = Math.floor(c.w);
  let left = idleS;
  while ((left -= rto) > 0 && w > restart) w = Math.floor(w / 2);
  c.w = Math.max(w, restart);
}

/**
 * The connection after `frames` frames of `framePackets` each, the first on a new connection,
 * each followed by its reply and `gapS` of the application's pause (the idle TCP sees is that
 * plus the RTT the reply took).
 */
export function warmConnectionState(framePackets: number, frames: number, gapS: number, g: Geometry, handshakeRttS: number, slowStartAfterIdle: boolean): ConnState {
  const c = newConnection(g, handshakeRttS);
  for (let i = 0; i < frames; i++) {
    if (i > 0) idle(c, gapS + g.rttS, g, slowStartAfterIdle);
    sendFrame(c, framePackets, g);
  }
  if (frames > 0) idle(c, gapS + g.rttS, g, slowStartAfterIdle);
  return c;
}
