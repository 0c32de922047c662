/**
 * Congestion control, as the Linux stack does it, one class per algorithm. Windows are in
 * packets (segments); times in seconds; rates in packets per second.
 *
 * - Reno (RFC 5681): slow start by one packet per packet acked, congestion avoidance by one
 *   packet per window, halve on loss. Reno and CUBIC grow only while the window limits the
 *   sender (tcp_is_cwnd_limited; the connection works that out, CcState.cwndLimited).
 * - CUBIC (RFC 9438, Linux `tcp_cubic.c`): beta 0.7, C 0.4, fast convergence, the TCP-friendly
 *   region, and HyStart's delay test (leave slow start when a round's minimum RTT grows by
 *   clamp(minRtt/8, 4 ms, 16 ms)); HyStart's ACK-train test is not modelled.
 * - BBR v1 (Linux `tcp_bbr.c`, the default on the machines cleave was validated on): STARTUP at
 *   gain 2/ln 2 until the bottleneck bandwidth stops growing by 25% for 3 rounds, DRAIN, then
 *   PROBE_BW's 8-phase gain cycle; pacing at gain x max-filtered delivery rate; cwnd = gain x
 *   BDP; loss does not lower the rate, only packet conservation during the first recovery round.
 *   The bandwidth estimate is a windowed maximum over 10 rounds fed only samples that are not
 *   application-limited or beat it, and STARTUP ends only on rounds that are not app-limited:
 *   a kept-alive connection whose frames never fill the pipe stays in STARTUP, pacing at
 *   2.89 x the delivery rate of its frames (measured with `ss -ti` on the real link). After an
 *   idle, PROBE_BW resumes pacing at the estimate (gain 1) until the next ACK.
 *   PROBE_RTT (every 10 s) is left out: transfers here are shorter.
 */

import { WindowedMax } from './windowed-max.js';

/** What a congestion controller sees of its connection. */
export interface CcState {
  /** Congestion window, packets. */
  cwnd: number;
  ssthresh: number;
  /** Smoothed RTT and the minimum seen, seconds (0 before the first sample). */
  srtt: number;
  minRtt: number;
  /** Packets delivered (acked or sacked) so far. */
  delivered: number;
  /** Packets in flight by the RFC 6675 pipe estimate. */
  inflight: number;
  inRecovery: boolean;
  /** Segment size, bytes (to turn a bottleneck rate into bytes). */
  mss: number;
  /** The window limits the sender (Linux tcp_is_cwnd_limited), at this ACK. */
  cwndLimited: boolean;
  /** This ACK's delivery-rate sample came from packets sent while the application ran dry. */
  appLimitedSample: boolean;
}

export interface CongestionControl {
  readonly name: CongestionControlName;
  /** Pacing rate, packets per second; Infinity = not paced (ACK-clocked bursts). */
  pacingRate(s: CcState): number;
  /** `acked` packets newly delivered; `rtt` the sample (s) or 0; `rate` the delivery-rate sample (pkt/s) or 0. */
  onAck(s: CcState, acked: number, rtt: number, rate: number, now: number, roundStart: boolean): void;
  /** A loss was detected outside recovery: recovery starts. */
  onEnterRecovery(s: CcState, now: number): void;
  /** Every packet outstanding at the loss has been delivered. */
  onExitRecovery(s: CcState, now: number): void;
  /** The retransmission timer fired. */
  onTimeout(s: CcState, now: number): void;
  /** Sending resumes with nothing in flight after `idleS` of silence (Linux CA_EVENT_TX_START). */
  onTransmitStart?(s: CcState, idleS: number, appLimited: boolean, now: number): void;
}

export type CongestionControlName = 'reno' | 'cubic' | 'bbr';
/** Initial window, segments (RFC 6928; Linux's TCP_INIT_CWND). */
export const INITIAL_WINDOW = 10;
export const CONGESTION_CONTROLS: readonly CongestionControlName[] = ['bbr', 'cubic', 'reno'];

export function makeCongestionControl(name: CongestionControlName): CongestionControl {
  switch (name) {
    case 'reno':
      return new Reno();
    case 'cubic':
      return new Cubic();
    case 'bbr':
      return new Bbr();
  }
}

class Reno implements CongestionControl {
  readonly name = 'reno';
  pacingRate(): number {
    return Infinity;
  }
  onAck(s: CcState, acked: number): void {
    if (s.inRecovery || !s.cwndLimited) return;
    if (s.cwnd < s.ssthresh) s.cwnd = Math.min(s.cwnd + acked, Math.max(s.ssthresh, s.cwnd));
    else s.cwnd += acked / s.cwnd;
  }
  onEnterRecovery(s: CcState): void {
    s.ssthresh = Math.max(s.inflight / 2, 2);
    s.cwnd = s.ssthresh;
  }
  onExitRecovery(s: CcState): void {
    s.cwnd = s.ssthresh;
  }
  onTimeout(s: CcState): void {
    s.ssthresh = Math.max(s.inflight / 2, 2);
    s.cwnd = 1;
  }
}

const CUBIC_C = 0.4;
const CUBIC_BETA = 0.7;

class Cubic implements CongestionControl {
  readonly name = 'cubic';
  private wMax = 0;
  private epochStart = -1;
  private k = 0;
  private originPoint = 0;
  private renoEstimate = 0;
  private roundMinRtt = Infinity;
  private roundSamples = 0;

  pacingRate(): number {
    return Infinity;
  }

  onAck(s: CcState, acked: number, rtt: number, _rate: number, now: number, roundStart: boolean): void {
    if (s.inRecovery) return;
    // HyStart watches every ACK in slow start (bictcp_acked); growth needs a limiting window.
    if (s.cwnd < s.ssthresh) this.hystart(s, rtt, roundStart);
    if (!s.cwndLimited) return;
    if (s.cwnd < s.ssthresh) {
      s.cwnd += acked;
      return;
    }
    if (this.epochStart < 0) {
      this.epochStart = now;
      if (s.cwnd < this.wMax) {
        this.k = Math.cbrt((this.wMax - s.cwnd) / CUBIC_C);
        this.originPoint = this.wMax;
      } else {
        this.k = 0;
        this.originPoint = s.cwnd;
      }
      this.renoEstimate = s.cwnd;
    }
    const t = now + s.minRtt - this.epochStart;
    const target = this.originPoint + CUBIC_C * (t - this.k) ** 3;
    let increase = target > s.cwnd ? ((target - s.cwnd) / s.cwnd) * acked : (0.01 * acked) / s.cwnd;
    // TCP-friendly region: never grow slower than Reno with the same beta would.
    this.renoEstimate += ((3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA)) * (acked / s.cwnd);
    if (this.renoEstimate > s.cwnd) increase = Math.max(increase, ((this.renoEstimate - s.cwnd) / s.cwnd) * acked);
    s.cwnd += increase;
  }

  private hystart(s: CcState, rtt: number, roundStart: boolean): void {
    if (roundStart) {
      this.roundMinRtt = Infinity;
      this.roundSamples = 0;
    }
    if (rtt <= 0 || s.cwnd < 16) return;
    if (this.roundSamples < 8) {
      this.roundSamples++;
      this.roundMinRtt = Math.min(this.roundMinRtt, rtt);
      if (this.roundSamples === 8) {
        const threshold = Math.min(Math.max(s.minRtt / 8, 0.004), 0.016);
        if (this.roundMinRtt >= s.minRtt + threshold) s.ssthresh = s.cwnd;
      }
    }
  }

  private reduce(s: CcState): void {
    this.epochStart = -1;
    // Fast convergence: release bandwidth to newer flows when the window keeps shrinking.
    this.wMax = s.cwnd < this.wMax ? (s.cwnd * (1 + CUBIC_BETA)) / 2 : s.cwnd;
    s.ssthresh = Math.max(s.cwnd * CUBIC_BETA, 2);
  }

  onEnterRecovery(s: CcState): void {
    this.reduce(s);
    s.cwnd = s.ssthresh;
  }
  onExitRecovery(s: CcState): void {
    s.cwnd = s.ssthresh;
  }
  onTimeout(s: CcState): void {
    this.reduce(s);
    s.cwnd = 1;
  }
  /** bictcp_cwnd_event: an idle does not count as time on the cubic curve. */
  onTransmitStart(_s: CcState, idleS: number, _appLimited: boolean, now: number): void {
    if (this.epochStart >= 0 && idleS > 0) this.epochStart = Math.min(this.epochStart + idleS, now);
  }
}

const BBR_HIGH_GAIN = 2 / Math.LN2; // 2.885: doubles the sending rate every round in STARTUP
const BBR_CYCLE = [1.25, 0.75, 1, 1, 1, 1, 1, 1];

const BBR_BW_ROUNDS = 10;

const enum BbrMode {
  Startup,
  Drain,
  ProbeBw,
}

class Bbr implements CongestionControl {
  readonly name = 'bbr';
  private mode = BbrMode.Startup;
  private readonly bw = new WindowedMax(BBR_BW_ROUNDS);
  private round = 0;
  private fullBw = 0;
  private fullBwCount = 0;
  private cycleIndex = 0;
  private cycleStart = 0;
  private priorCwnd = 0;
  private conservationUntilRound = -1;
  private pacing = 0;
  /** Sending resumed from idle in PROBE_BW: pace at the estimate until the next ACK. */
  private idlePacing = false;

  private btlBw(): number {
    return this.bw.value;
  }

  private pacingGain(): number {
    if (this.mode === BbrMode.Startup) return BBR_HIGH_GAIN;
    if (this.mode === BbrMode.Drain) return 1 / BBR_HIGH_GAIN;
    return BBR_CYCLE[this.cycleIndex]!; // cycleIndex < BBR_CYCLE.length (advanced modulo it)
  }

  pacingRate(s: CcState): number {
    // Before any delivery-rate sample: the initial window over the handshake RTT (Linux's
    // bbr_init_pacing_rate_from_rtt).
    if (this.pacing === 0) this.pacing = (BBR_HIGH_GAIN * 0.99 * INITIAL_WINDOW) / (s.srtt > 0 ? s.srtt : 0.001);
    // Linux paces 1% below the estimate to keep the bottleneck queue drained, and never lowers
    // the rate before the pipe is full (bbr_set_pacing_rate): early samples are app/cwnd limited.
    const rate = (this.idlePacing ? 1 : this.pacingGain()) * this.btlBw() * 0.99;
    if (this.mode !== BbrMode.Startup || rate > this.pacing) this.pacing = rate;
    return this.pacing;
  }

  private targetCwnd(s: CcState, gain: number): number {
    const bdp = this.btlBw() * (s.minRtt > 0 ? s.minRtt : s.srtt);
    // + 3 packets of quantisation budget, as Linux adds for TSO/ACK aggregation.
    return Math.max(gain * bdp + 3, 4);
  }

  onAck(s: CcState, acked: number, _rtt: number, rate: number, now: number, roundStart: boolean): void {
    this.idlePacing = false;
    if (roundStart) this.round++;
    // bbr_update_bw: an app-limited sample only counts when it beats the estimate.
    if (rate > 0 && (!s.appLimitedSample || rate >= this.btlBw())) this.bw.update(this.round, rate);
    const bw = this.btlBw();
    // bbr_check_full_bw_reached: only rounds the application did not limit say the pipe is full.
    if (this.mode === BbrMode.Startup && roundStart && bw > 0 && !s.appLimitedSample) {
      if (bw >= this.fullBw * 1.25) {
        this.fullBw = bw;
        this.fullBwCount = 0;
      } else if (++this.fullBwCount >= 3) {
        this.mode = BbrMode.Drain;
      }
    }
    if (this.mode === BbrMode.Drain && s.inflight <= this.targetCwnd(s, 1)) {
      this.mode = BbrMode.ProbeBw;
      this.cycleIndex = 2; // Linux starts at a random phase other than the 0.75 one; 1.0 is typical
      this.cycleStart = now;
    }
    if (this.mode === BbrMode.ProbeBw && this.nextCyclePhase(s, acked, now)) {
      this.cycleIndex = (this.cycleIndex + 1) % BBR_CYCLE.length;
      this.cycleStart = now;
    }
    const gain = this.mode === BbrMode.ProbeBw ? 2 : BBR_HIGH_GAIN;
    const target = this.targetCwnd(s, gain);
    if (s.inRecovery && this.round <= this.conservationUntilRound) {
      // Packet conservation for the first round of recovery: send one for one delivered.
      s.cwnd = Math.max(s.cwnd, s.inflight + acked);
      return;
    }
    if (this.mode !== BbrMode.Startup) s.cwnd = Math.min(s.cwnd + acked, target);
    else if (s.cwnd < target || s.delivered < 10) s.cwnd += acked;
    s.cwnd = Math.max(s.cwnd, 4);
  }

  /**
   * bbr_is_next_cycle_phase: a phase lasts at least min RTT; the probing phase (1.25) also until
   * the flight reaches 1.25 BDP, the draining one (0.75) at most until it is down to one BDP.
   */
  private nextCyclePhase(s: CcState, acked: number, now: number): boolean {
    const fullLength = now - this.cycleStart > s.minRtt;
    const gain = BBR_CYCLE[this.cycleIndex]!; // cycleIndex < BBR_CYCLE.length (advanced modulo it)
    if (gain === 1) return fullLength;
    const priorInflight = s.inflight + acked;
    if (gain > 1) return fullLength && priorInflight >= this.targetCwnd(s, gain);
    return fullLength || priorInflight <= this.targetCwnd(s, 1);
  }

  /** bbr_cwnd_event(CA_EVENT_TX_START): restarting from idle, pace at the estimate, not above it. */
  onTransmitStart(_s: CcState, _idleS: number, appLimited: boolean): void {
    if (appLimited && this.mode === BbrMode.ProbeBw) this.idlePacing = true;
  }

  onEnterRecovery(s: CcState): void {
    this.priorCwnd = s.cwnd;
    this.conservationUntilRound = this.round + 1;
    s.cwnd = Math.max(s.inflight + 1, 4);
  }
  onExitRecovery(s: CcState): void {
    s.cwnd = Math.max(s.cwnd, this.priorCwnd);
  }
  onTimeout(s: CcState): void {
    this.priorCwnd = Math.max(this.priorCwnd, s.cwnd);
    s.cwnd = 1;
  }
}
