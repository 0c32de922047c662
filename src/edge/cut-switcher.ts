/**
 * Re-planning the cut as the measured uplink changes (pure code: it runs in the browser too).
 * After each measured request the switcher looks up the best candidate for the rate estimate in
 * the POPEX table and moves there only when both hold:
 *   - the current cut is expected to be slower than the best by more than `hysteresis`
 *     (T_current > (1 + hysteresis) T_best at the estimate), so a rate hovering near a band
 *     boundary, where the two cuts are about as fast, does not make the client flap;
 *   - at least `dwell` requests were measured since the last switch (a dwell time in
 *     requests), so one switch is judged on what followed it.
 */
import { BadRequestError } from '../errors.js';
import type { CutTable } from './cut-table.js';

export interface SwitchingOptions {
  /** the relative gain in expected time a switch must bring (default 0.2) */
  readonly hysteresis?: number;
  /** requests measured after a switch before the next one (default 3) */
  readonly dwell?: number;
}

/** One change of cut, with the estimate that caused it. */
export interface CutSwitch {
  readonly from: string;
  readonly to: string;
  readonly mbps: number;
  /** requests measured before the switch, counted from the client's start */
  readonly atSample: number;
  /** expected times of the two cuts at that estimate, ms */
  readonly fromMs: number;
  readonly toMs: number;
}

/** Switches kept in `history`. */
const MAX_HISTORY = 256;

export class CutSwitcher {
  readonly hysteresis: number;
  readonly dwell: number;
  private cut: string;
  private samples = 0;
  private sinceSwitch = 0;
  private readonly switches: CutSwitch[] = [];

  constructor(readonly table: CutTable, initial: string, options: SwitchingOptions = {}) {
    if (!table.has(initial)) throw new BadRequestError(`the initial cut "${initial}" is not a candidate (candidates: ${table.costs.map((c) => c.cut).join(', ')})`);
    this.hysteresis = options.hysteresis ?? 0.2;
    this.dwell = options.dwell ?? 3;
    if (!(Number.isFinite(this.hysteresis) && this.hysteresis >= 0)) throw new BadRequestError(`hysteresis must be a finite number >= 0, got ${this.hysteresis}`);
    if (!(Number.isInteger(this.dwell) && this.dwell >= 0)) throw new BadRequestError(`dwell must be an integer >= 0 (requests), got ${this.dwell}`);
    this.cut = initial;
  }

  /** The cut new requests take. */
  get current(): string {
    return this.cut;
  }

  /** Every switch so far, oldest first. */
  get history(): readonly CutSwitch[] {
    return this.switches;
  }

  /** After a measured request: the rate estimate (undefined: none yet). Returns the switch, if one happened. */
  update(mbps: number | undefined): CutSwitch | undefined {
    this.samples++;
    this.sinceSwitch++;
    if (mbps === undefined || !(mbps > 0) || this.sinceSwitch < this.dwell) return undefined;
    const best = this.table.best(mbps);
    if (best === this.cut) return undefined;
    const fromMs = this.table.expectedMs(this.cut, mbps);
    const toMs = this.table.expectedMs(best, mbps);
    if (!(fromMs > (1 + this.hysteresis) * toMs)) return undefined;
    const change: CutSwitch = { from: this.cut, to: best, mbps, atSample: this.samples, fromMs, toMs };
    this.switches.push(change);
    // A long-lived client keeps the recent history only.
    if (this.switches.length > MAX_HISTORY) this.switches.shift();
    this.cut = best;
    this.sinceSwitch = 0;
    return change;
  }
}
