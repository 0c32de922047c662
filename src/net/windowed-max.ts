/**
 * A running maximum over a sliding window, as Linux's lib/win_minmax.c keeps BBR's bottleneck
 * bandwidth (Kathleen Nichols' algorithm): the best, second-best and third-best samples of the
 * window, each newer than the one before, so the maximum over the last `window` time units is
 * known in O(1) and memory. A window only moves when a sample is fed, which matters for BBR:
 * app-limited samples below the maximum are not fed, so a kept-alive connection that sends
 * small frames keeps the estimate it had.
 */
export class WindowedMax {
  private readonly t: [number, number, number] = [0, 0, 0];
  private readonly v: [number, number, number] = [0, 0, 0];

  constructor(private readonly window: number) {}

  get value(): number {
    return this.v[0];
  }

  private reset(t: number, v: number): number {
    for (let i = 0; i < 3; i++) {
      this.t[i] = t;
      this.v[i] = v;
    }
    return v;
  }

  private set(i: number, t: number, v: number): void {
    this.t[i] = t;
    this.v[i] = v;
  }

  private shift(t: number, v: number): void {
    this.set(0, this.t[1], this.v[1]);
    this.set(1, this.t[2], this.v[2]);
    this.set(2, t, v);
  }

  /** Feed sample `v` taken at time `t` (non-decreasing); returns the windowed maximum. */
  update(t: number, v: number): number {
    const win = this.window;
    if (v >= this.v[0] || t - this.t[2] > win) return this.reset(t, v);
    if (v >= this.v[1]) {
      this.set(1, t, v);
      this.set(2, t, v);
    } else if (v >= this.v[2]) {
      this.set(2, t, v);
    }
    // Sub-window bookkeeping: age the best samples out as the window passes them.
    const dt = t - this.t[0];
    if (dt > win) {
      this.shift(t, v);
      if (t - this.t[0] > win) this.shift(t, v);
    } else if (this.t[1] === this.t[0] && dt > win / 4) {
      this.set(1, t, v);
      this.set(2, t, v);
    } else if (this.t[2] === this.t[1] && dt > win / 2) {
      this.set(2, t, v);
    }
    return this.v[0];
  }
}
