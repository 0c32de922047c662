/**
 * A server with k identical workers in front of one FIFO queue (an M/G/k station when arrivals
 * are Poisson). Service times come from a function, so fixed, exponential or measured
 * distributions all fit. Keeps the time integrals needed for mean queue length and utilisation.
 */
import type { EventCore } from './event-core.js';
import { BadRequestError } from '../errors.js';

export interface ServerStats {
  arrivals: number;
  served: number;
  /** Sum of waits in queue (before service), seconds. */
  waitSum: number;
  /** Integral of the queue length over time (jobs x seconds). */
  queueIntegral: number;
  maxQueue: number;
  /** Integral of busy workers over time (worker x seconds). */
  busyIntegral: number;
}

export class ServerQueue {
  readonly stats: ServerStats = { arrivals: 0, served: 0, waitSum: 0, queueIntegral: 0, maxQueue: 0, busyIntegral: 0 };
  private queue: number[] = [];
  private queueTimes: number[] = [];
  private qHead = 0;
  private busy = 0;
  private lastChange = 0;
  private readonly finish: (job: number) => void;

  constructor(
    private readonly core: EventCore,
    readonly workers: number,
    private readonly serviceTimeS: (job: number) => number,
    private readonly onDone: (job: number, now: number) => void,
  ) {
    if (!(Number.isInteger(workers) && workers >= 1)) throw new BadRequestError(`workers must be an integer >= 1, got ${workers}`);
    this.finish = function serverDone(this: ServerQueue, job: number): void {
      const now = this.core.now;
      this.account(now);
      this.busy--;
      this.stats.served++;
      this.startNext(now);
      this.onDone(job, now);
    }.bind(this);
  }

  /** Jobs waiting (not in service). */
  get queued(): number {
    return this.queue.length - this.qHead;
  }

  submit(job: number): void {
    const now = this.core.now;
    this.account(now);
    this.stats.arrivals++;
    this.queue.push(job);
    this.queueTimes.push(now);
    this.startNext(now);
    if (this.queued > this.stats.maxQueue) this.stats.maxQueue = this.queued;
  }

  /** Close the time integrals at `now`. */
  settle(now: number): void {
    this.account(now);
  }

  private startNext(now: number): void {
    // Bounds: qHead < queue.length (the loop's test), and queueTimes runs beside queue.
    while (this.busy < this.workers && this.qHead < this.queue.length) {
      const job = this.queue[this.qHead]!;
      this.stats.waitSum += now - this.queueTimes[this.qHead]!;
      this.qHead++;
      this.busy++;
      this.core.schedule(this.serviceTimeS(job), this.finish, job);
    }
    // Compact now and then so the arrays do not grow with the run.
    if (this.qHead > 1024 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.queueTimes = this.queueTimes.slice(this.qHead);
      this.qHead = 0;
    }
  }

  private account(now: number): void {
    const dt = now - this.lastChange;
    this.stats.queueIntegral += this.queued * dt;
    this.stats.busyIntegral += this.busy * dt;
    this.lastChange = now;
  }
}
