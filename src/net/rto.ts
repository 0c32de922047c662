/**
 * The retransmission timeout as Linux computes it (net/ipv4/tcp_input.c, tcp_rtt_estimator;
 * tcp_output.c, __tcp_set_rto), not RFC 6298's max(200 ms, SRTT + 4 RTTVAR):
 *
 *   srtt    <- srtt + (m - srtt) / 8
 *   mdev    <- mdev + (|m - srtt| - mdev / 4)      (mdev is 4x the mean deviation; a sample
 *                                                    below srtt moves it 8x more slowly)
 *   rttvar  >= the largest mdev of the current RTT, never below the minimum RTO, and decays by
 *              a quarter of its excess once per RTT
 *   RTO     =  srtt + rttvar
 *
 * So on a steady path RTO = SRTT + 200 ms: 250 ms at 50 ms RTT, where RFC 6298 gives 200 ms.
 * The difference decides whether a kept-alive connection's idle gap restarts its window
 * (tcp_slow_start_after_idle compares the gap with this RTO), so the simulator uses Linux's.
 */
export const MIN_RTO_S = 0.2;
export const MAX_RTO_S = 120;

export class LinuxRtoEstimator {
  /** Smoothed RTT, s (0 before the first sample). */
  srtt = 0;
  /** 4 x the mean deviation, s. */
  private mdev = 0;
  private mdevMax = 0;
  private rttvar = 0;
  /** The sequence number whose acknowledgement ends the current RTT (per-RTT decay). */
  private rttSeq = 0;
  /** Current RTO, s. */
  rto: number;

  constructor(initialRtoS: number) {
    this.rto = initialRtoS;
  }

  /** One RTT sample `m` (s); `una` and `nxt` are the sender's sequence state in segments. */
  sample(m: number, una: number, nxt: number): void {
    if (!(m > 0)) return;
    if (this.srtt === 0) {
      this.srtt = m;
      this.mdev = 2 * m;
      this.rttvar = Math.max(this.mdev, MIN_RTO_S);
      this.mdevMax = this.rttvar;
      this.rttSeq = nxt;
    } else {
      let err = m - this.srtt;
      this.srtt += err / 8;
      if (err < 0) {
        err = -err - this.mdev / 4;
        if (err > 0) err /= 8;
      } else {
        err -= this.mdev / 4;
      }
      this.mdev += err;
      if (this.mdev > this.mdevMax) {
        this.mdevMax = this.mdev;
        if (this.mdevMax > this.rttvar) this.rttvar = this.mdevMax;
      }
      if (una > this.rttSeq) {
        if (this.mdevMax < this.rttvar) this.rttvar -= (this.rttvar - this.mdevMax) / 4;
        this.rttSeq = nxt;
        this.mdevMax = MIN_RTO_S;
      }
    }
    this.rto = Math.min(this.srtt + this.rttvar, MAX_RTO_S);
  }
}

/**
 * Linux's RTO on a path whose RTT samples all equal `rttS` (what the analytic model assumes):
 * the first sample sets rttvar = max(2 rtt, 200 ms), and it decays towards 200 ms.
 */
export function steadyLinuxRtoS(rttS: number): number {
  return rttS + MIN_RTO_S;
}
