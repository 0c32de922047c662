/**
 * Request accounting of the edge client: every request is counted when it starts and once when
 * it ends, answered (by origin and by the cut it took) or failed, so `requests` always equals
 * `answered + failed + inFlight`.
 */
import type { CutSwitch } from './cut-switcher.js';

export interface ClientStats {
  readonly requests: number;
  readonly answered: number;
  /** requests that ended in an error (no server answer and nothing local to answer with) */
  readonly failed: number;
  readonly inFlight: number;
  /** answers per origin: `exit-<k>`, `server`, `local-exit`, `local-full` */
  readonly byOrigin: Readonly<Record<string, number>>;
  /** answers per cut, then per origin */
  readonly byCut: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** the cut new requests take */
  readonly cut: string;
  /** the uplink estimate, Mbit/s (undefined before enough requests were measured) */
  readonly uplinkMbps: number | undefined;
  /** requests whose upload was measured, and those whose time could not be read */
  readonly measured: number;
  readonly unmeasured: number;
  /** the cut changes, oldest first */
  readonly switches: readonly CutSwitch[];
}

/** The counters behind ClientStats. */
export class RequestCounter {
  requests = 0;
  answered = 0;
  failed = 0;
  readonly byOrigin: Record<string, number> = {};
  readonly byCut: Record<string, Record<string, number>> = {};

  start(): void {
    this.requests++;
  }

  answer(cut: string, origin: string): void {
    this.answered++;
    this.byOrigin[origin] = (this.byOrigin[origin] ?? 0) + 1;
    const perCut = (this.byCut[cut] ??= {});
    perCut[origin] = (perCut[origin] ?? 0) + 1;
  }

  fail(): void {
    this.failed++;
  }

  /** A copy of the counts (later requests do not change it). */
  snapshot(): Pick<ClientStats, 'requests' | 'answered' | 'failed' | 'inFlight' | 'byOrigin' | 'byCut'> {
    return {
      requests: this.requests, answered: this.answered, failed: this.failed, inFlight: this.requests - this.answered - this.failed,
      byOrigin: { ...this.byOrigin }, byCut: Object.fromEntries(Object.entries(this.byCut).map(([k, v]) => [k, { ...v }])),
    };
  }
}
