/**
 * How Linux keeps a loss-based congestion window honest when the application, not the window,
 * limits the sender (net/ipv4/tcp_output.c): a kept-alive connection that sends frames with
 * pauses between them.
 *
 * - tcp_is_cwnd_limited: Reno and CUBIC grow the window only while it limits the sender, and in
 *   slow start also while it is under twice the largest flight of the current window of data.
 * - tcp_cwnd_validate / tcp_cwnd_application_limited (RFC 2861): a window not fully used for an
 *   RTO decays halfway to what was used (never below the initial window).
 * - tcp_slow_start_after_idle_check / tcp_cwnd_restart (RFC 5681 4.1): a write after an idle
 *   longer than the RTO halves the window once per RTO of idle, down to the initial window at
 *   most, keeping ssthresh at no less than 3/4 of the old window.
 * The last two only with net.ipv4.tcp_slow_start_after_idle (default 1), and never for BBR
 * (Linux skips both for congestion controls with their own cong_control).
 */
import { INITIAL_WINDOW, type CcState } from './congestion.js';

/** Linux's ssthresh before a reduction that is not a loss: at least 3/4 of the window. */
function currentSsthresh(s: CcState): number {
  return s.inRecovery ? s.ssthresh : Math.max(s.ssthresh, 0.75 * s.cwnd);
}

export class WindowValidation {
  private cwndLimited = false;
  private maxPacketsOut = 0;
  private cwndUsageSeq = 0;
  private cwndUsed = 0;
  private cwndStamp = 0;

  /** `enabled`: tcp_slow_start_after_idle is on and the congestion control is not BBR. */
  constructor(private readonly enabled: boolean) {}

  /** tcp_is_cwnd_limited. */
  limits(s: CcState): boolean {
    return this.cwndLimited || (s.cwnd < s.ssthresh && s.cwnd < 2 * this.maxPacketsOut);
  }

  /**
   * After a send attempt that sent something or found the window full (tcp_cwnd_validate):
   * `packetsOut` = segments sent and not cumulatively acknowledged; `una`, `nxt` in segments.
   */
  afterSend(s: CcState, windowFull: boolean, packetsOut: number, una: number, nxt: number, rto: number, now: number): void {
    if (una >= this.cwndUsageSeq || windowFull || (!this.cwndLimited && packetsOut > this.maxPacketsOut)) {
      this.cwndLimited = windowFull;
      this.maxPacketsOut = packetsOut;
      this.cwndUsageSeq = nxt;
    }
    if (this.limits(s)) {
      this.cwndUsed = 0;
      this.cwndStamp = now;
      return;
    }
    if (packetsOut > this.cwndUsed) this.cwndUsed = packetsOut;
    if (this.enabled && now - this.cwndStamp >= rto) {
      if (!s.inRecovery) {
        const used = Math.max(this.cwndUsed, INITIAL_WINDOW);
        if (used < s.cwnd) {
          s.ssthresh = currentSsthresh(s);
          s.cwnd = Math.floor((s.cwnd + used) / 2);
        }
        this.cwndUsed = 0;
      }
      this.cwndStamp = now;
    }
  }

  /** A write to a connection with nothing in flight, `idleS` after the last data was sent. */
  beforeWrite(s: CcState, idleS: number, rto: number, now: number): void {
    if (!this.enabled || !(idleS > rto)) return;
    const restart = Math.min(INITIAL_WINDOW, s.cwnd);
    s.ssthresh = currentSsthresh(s);
    let cwnd = Math.floor(s.cwnd);
    let left = idleS;
    while ((left -= rto) > 0 && cwnd > restart) cwnd >>= 1;
    s.cwnd = Math.max(cwnd, restart);
    this.cwndStamp = now;
    this.cwndUsed = 0;
  }
}
