/**
 * Paced sending as Linux does it for BBR (net/ipv4/tcp_output.c, tcp_bbr.c): one TSO/GSO packet
 * at a time, of at least two segments once the rate exceeds 1.2 Mbit/s and about a millisecond's
 * worth at high rates (bbr_tso_segs_goal), each delaying the next by its length at the pacing
 * rate (the earliest departure time, EDT). When the sender comes late, after an idle, half of
 * that delay is forgiven (the EDT credit for "OS jitter", tcp_update_skb_after_send). Measured
 * on the real link: 14 segments paced at 1.52 ms each after an idle left in pairs, the second
 * pair 1.52 ms after the first and the rest 3.04 ms apart.
 */
export class Pacer {
  /** Earliest time the next burst may leave, s. */
  next = 0;
  /** Segments the current burst may still send. */
  private left = 0;

  constructor(private readonly mssBytes: number) {}

  /** Whether a segment may leave now at `rate` (segments/s), starting a burst when one is due. */
  maysend(rate: number, now: number): boolean {
    if (this.left > 0) return true;
    if (this.next > now + 1e-9) return false;
    const minSegs = rate * this.mssBytes < 150_000 ? 1 : 2;
    const k = Math.max(minSegs, Math.min(Math.floor(rate / 1024), 127));
    const credit = Math.max(0, now - this.next);
    const lenS = k / rate;
    this.next = Math.max(this.next, now) + lenS - Math.min(lenS / 2, credit);
    this.left = k;
    return true;
  }

  /** One segment of the burst left. */
  sent(): void {
    if (this.left > 0) this.left--;
  }

  /** The sender ran out of data or window mid-burst: Linux would have built a smaller packet. */
  endBurst(rate: number): void {
    if (this.left > 0) this.next -= this.left / rate;
    this.left = 0;
  }

  /** Sending restarts now (after a retransmission timeout). */
  reset(now: number): void {
    this.next = now;
    this.left = 0;
  }
}
