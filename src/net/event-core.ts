/**
 * A small deterministic discrete-event core, in the manner of SimPy's `Environment`: a clock and
 * a binary heap of pending events ordered by (time, priority, sequence). The sequence number is
 * the order of scheduling, so events at the same time and priority fire first-scheduled-first,
 * identically on every run. Standalone: it imports nothing from the rest of cleave but its errors.
 *
 * For speed, events are not objects: the heap holds slot numbers into parallel arrays (time,
 * priority, sequence, handler, datum), and freed slots are reused, so steady-state scheduling
 * allocates nothing. A handler is a function created once (not per event) that receives the
 * datum it was scheduled with.
 */
import { InternalError } from '../errors.js';

/**
 * Called when an event fires; read the clock from the core (`core.now`). The time is not passed
 * as an argument: a double argument would be boxed on every call, one allocation per event.
 */
export type EventHandler<T = unknown> = (datum: T) => void;

/** Observer of every fired event (for traces); `label` is the handler's name. */
export type EventObserver = (time: number, priority: number, sequence: number, label: string) => void;

export class EventCore {
  /** Simulated time, seconds. */
  now = 0;
  /** Events fired so far. */
  fired = 0;
  private times = new Float64Array(1024);
  private prios = new Int32Array(1024);
  private seqs = new Float64Array(1024);
  private handlers: (EventHandler<never> | undefined)[] = new Array<EventHandler<never> | undefined>(1024);
  private data: unknown[] = new Array<unknown>(1024);
  private heap = new Int32Array(1024);
  private size = 0;
  private freeSlots: number[] = [];
  private nextSlot = 0;
  private seq = 0;
  private observer: EventObserver | undefined;

  /** Number of pending events. */
  get pending(): number {
    return this.size;
  }

  /** Watch every fired event (pass undefined to stop). */
  observe(observer: EventObserver | undefined): void {
    this.observer = observer;
  }

  /** Schedule `handler(datum)` after `delay` seconds (>= 0); lower priority fires first on ties. */
  schedule<T>(delay: number, handler: EventHandler<T>, datum: T, priority = 0): void {
    this.scheduleAt(this.now + delay, handler, datum, priority);
  }

  /** Schedule at an absolute time, which must not lie in the past. */
  scheduleAt<T>(time: number, handler: EventHandler<T>, datum: T, priority = 0): void {
    if (!(time >= this.now)) throw new InternalError(`event scheduled at ${time} s, before now (${this.now} s)`);
    const slot = this.allocSlot();
    this.times[slot] = time;
    this.prios[slot] = priority;
    this.seqs[slot] = this.seq++;
    this.handlers[slot] = handler as EventHandler<never>;
    this.data[slot] = datum;
    if (this.size === this.heap.length) {
      const grown = new Int32Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    this.siftUp(this.size++, slot);
  }

  /** Time of the next event, or Infinity when none is pending. */
  peek(): number {
    // Bounds: size > 0, so heap[0] holds a slot below the slot arrays' capacity.
    return this.size === 0 ? Infinity : this.times[this.heap[0]!]!;
  }

  /** Fire the next event; false when none is pending. */
  step(): boolean {
    // Bounds: size > 0 (checked), so heap[0] and heap[size - 1] are events, each a slot below the slot arrays' capacity.
    if (this.size === 0) return false;
    const heap = this.heap;
    const slot = heap[0]!;
    const last = heap[--this.size]!;
    if (this.size > 0) this.siftDown(0, last);
    const time = this.times[slot]!;
    const handler = this.handlers[slot] as EventHandler<unknown>;
    const datum = this.data[slot];
    this.handlers[slot] = undefined;
    this.data[slot] = undefined;
    this.freeSlots.push(slot);
    this.now = time;
    this.fired++;
    if (this.observer) this.observer(time, this.prios[slot]!, this.seqs[slot]!, handler.name.replace(/^bound /, ''));
    handler(datum);
    return true;
  }

  /** Run until no event is pending or the next one lies after `until` (the clock then stops at `until`). */
  run(until = Infinity): void {
    while (this.size > 0 && this.peek() <= until) this.step();
    if (until !== Infinity && this.now < until) this.now = until;
  }

  private allocSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.nextSlot++;
    if (slot === this.times.length) {
      const n = slot * 2;
      const t = new Float64Array(n);
      t.set(this.times);
      this.times = t;
      const p = new Int32Array(n);
      p.set(this.prios);
      this.prios = p;
      const s = new Float64Array(n);
      s.set(this.seqs);
      this.seqs = s;
      this.handlers.length = n;
      this.data.length = n;
    }
    return slot;
  }

  /** True when slot a fires before slot b. */
  private before(a: number, b: number): boolean {
    // Bounds: a and b are heap slots, each below the slot arrays' capacity (allocSlot grows them first).
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    if (ta !== tb) return ta < tb;
    const pa = this.prios[a]!;
    const pb = this.prios[b]!;
    if (pa !== pb) return pa < pb;
    return this.seqs[a]! < this.seqs[b]!;
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent]!; // parent < size: a heap position
      if (!this.before(slot, p)) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    // Bounds: pos, child and right are heap positions < size, and each slot below the slot arrays' capacity.
    const heap = this.heap;
    const n = this.size;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.before(heap[right]!, heap[child]!)) child = right;
      const c = heap[child]!;
      if (!this.before(c, slot)) break;
      heap[pos] = c;
      pos = child;
    }
    heap[pos] = slot;
  }
}
