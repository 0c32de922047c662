/**
 * A circuit breaker for the edge client (pure code: it runs in the browser too). Closed, every
 * request goes to the server. After `failures` requests in a row got no answer from it (each
 * after its retries) the circuit opens: requests are answered locally at once, without paying
 * the retry budget again. After `openMs` one request probes the server (half-open) with a single
 * attempt; an answer closes the circuit, a failure keeps it open twice as long (up to
 * `maxOpenMs`) before the next probe.
 */
export interface CircuitOptions {
  /** requests in a row without a server answer that open the circuit (default 3) */
  readonly failures?: number;
  /** how long the circuit stays open before a probe (default 1000 ms); doubles per failed probe */
  readonly openMs?: number;
  /** the longest wait between probes (default 30 s) */
  readonly maxOpenMs?: number;
  /** the clock in ms (default performance.now); tests pass their own */
  readonly now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What a request may do: go to the server, go as the one probe, or be answered locally. */
export type Admission = 'send' | 'probe' | 'local';

export class CircuitBreaker {
  private readonly threshold: number;
  private readonly baseOpenMs: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;
  private failuresInRow = 0;
  private open = false;
  private openFor: number;
  private probeAt = 0;
  private probing = false;
  private why = '';

  constructor(options: CircuitOptions = {}) {
    this.threshold = Math.max(1, options.failures ?? 3);
    this.baseOpenMs = Math.max(0, options.openMs ?? 1000);
    this.maxOpenMs = Math.max(this.baseOpenMs, options.maxOpenMs ?? 30_000);
    this.now = options.now ?? (() => performance.now());
    this.openFor = this.baseOpenMs;
  }

  get state(): CircuitState {
    if (!this.open) return 'closed';
    return this.probing ? 'half-open' : 'open';
  }

  /** Whether requests still retrying should give up: the circuit opened while they waited. */
  get isOpen(): boolean {
    return this.open;
  }

  admit(): Admission {
    if (!this.open) return 'send';
    if (this.probing || this.now() < this.probeAt) return 'local';
    this.probing = true;
    return 'probe';
  }

  /** The server answered (even with a 4xx: it is up). */
  answered(): void {
    this.failuresInRow = 0;
    this.open = false;
    this.probing = false;
    this.openFor = this.baseOpenMs;
  }

  /** A request got no answer after its attempts; `probe` says whether it was the probe. */
  failed(reason: string, probe: boolean): void {
    this.failuresInRow++;
    if (probe) {
      this.probing = false;
      this.openFor = Math.min(this.maxOpenMs, this.openFor * 2);
      this.probeAt = this.now() + this.openFor;
      this.why = reason;
    } else if (!this.open && this.failuresInRow >= this.threshold) {
      this.open = true;
      this.probeAt = this.now() + this.openFor;
      this.why = reason;
    }
  }

  /** Why a request is answered locally while the circuit is open. */
  reason(): string {
    return `circuit open: the server gave no answer to ${this.threshold} request${this.threshold > 1 ? 's' : ''} in a row (last: ${this.why})`;
  }
}
