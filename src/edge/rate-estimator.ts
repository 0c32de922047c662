/**
 * The uplink rate as the edge client sees it, from its own requests (pure code: it runs in the
 * browser too). A request's time on the wire is its whole time (from sending to the reply read)
 * less the time the server says it spent on it (decode, queue, tail, from the reply's
 * `server_ms` parameter) and less the link's round trip (the edge config's rttMs, which POPEX
 * adds to every upload on its own); its rate is the request's bytes over that time.
 *
 * The estimate is the median of the last `window` rates. A stall (a retransmission timeout, a
 * garbage-collection pause, a busy CPU) gives one rate far too low; the median ignores up to
 * floor(window / 2) of them in a row, where a mean (or an EWMA) would move with each. A real
 * change of the rate moves the median after ceil(window / 2) requests.
 */
import { BadRequestError } from '../errors.js';

export interface RateEstimatorOptions {
  /** requests the median is taken over (default 5) */
  readonly window?: number;
  /** requests measured before there is an estimate (default 3; at most `window`) */
  readonly minSamples?: number;
  /** round trip of the link, ms, taken off every request's time (default 0) */
  readonly rttMs?: number;
}

/** Bounds of the window: the median sorts it once per request. */
export const MAX_RATE_WINDOW = 101;

export class RateEstimator {
  readonly window: number;
  readonly minSamples: number;
  readonly rttMs: number;
  /** the last `window` rates, Mbit/s, oldest first */
  private readonly recent: number[] = [];
  private taken = 0;
  private skipped = 0;

  constructor(options: RateEstimatorOptions = {}) {
    this.window = options.window ?? 5;
    this.minSamples = options.minSamples ?? Math.min(3, this.window);
    this.rttMs = options.rttMs ?? 0;
    if (!Number.isInteger(this.window) || this.window < 1 || this.window > MAX_RATE_WINDOW) throw new BadRequestError(`the rate window must be an integer in [1, ${MAX_RATE_WINDOW}], got ${this.window}`);
    if (!Number.isInteger(this.minSamples) || this.minSamples < 1 || this.minSamples > this.window) throw new BadRequestError(`minSamples must be an integer in [1, window = ${this.window}], got ${this.minSamples}`);
    if (!(Number.isFinite(this.rttMs) && this.rttMs >= 0)) throw new BadRequestError(`rttMs must be a finite number >= 0, got ${this.rttMs}`);
  }

  /**
   * One answered request: `bytes` sent, `requestMs` from sending to the whole reply, `serverMs`
   * the server's own time (0 when it did not say). Returns the request's rate in Mbit/s, or
   * undefined when its time on the wire is not positive (nothing can be read from it).
   */
  observe(bytes: number, requestMs: number, serverMs = 0): number | undefined {
    const wireMs = requestMs - serverMs - this.rttMs;
    if (!(bytes > 0 && Number.isFinite(wireMs) && wireMs > 0)) {
      this.skipped++;
      return undefined;
    }
    // 8 bytes / (wireMs / 1000) bit/s = 8 bytes / (1000 wireMs) Mbit/s.
    const mbps = (8 * bytes) / (1000 * wireMs);
    this.recent.push(mbps);
    if (this.recent.length > this.window) this.recent.shift();
    this.taken++;
    return mbps;
  }

  /** The estimate, Mbit/s: the median of the recent rates (undefined before minSamples of them). */
  get mbps(): number | undefined {
    const n = this.recent.length;
    if (n < this.minSamples) return undefined;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const mid = n >> 1;
    // An even count takes the geometric mean of the middle two: rates are compared as ratios.
    return n % 2 === 1 ? sorted[mid]! : Math.sqrt(sorted[mid - 1]! * sorted[mid]!);
  }

  /** Requests measured, and requests whose time could not be read. */
  get counts(): { readonly measured: number; readonly skipped: number } {
    return { measured: this.taken, skipped: this.skipped };
  }
}
