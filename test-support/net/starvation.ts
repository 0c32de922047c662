/**
 * How long the processes of a measurement waited for a CPU. Linux keeps, per thread, the time
 * it spent runnable but not running (/proc/PID/schedstat, second field, ns; for a process this
 * is its main thread). A frame's request is handled on the main threads of the edge client and
 * the server (their event loops) and by the delay line; their waits across one frame are what
 * other jobs on the machine added to that frame's time, beyond what the measured head, encode
 * and server times already carry. A frame whose processes waited longer than a small bound is
 * not a measurement of the network and is set aside (split-inference.ts), so a loaded machine
 * costs more frames, not accuracy. (Helper threads, e.g. the garbage collector's, are not
 * counted: their waits do not hold the request up.)
 */
import { readFileSync } from 'node:fs';

/** Run-queue wait of the main thread of `pid` so far, ns (0 when the process is gone). */
function mainThreadRunDelayNs(pid: number | 'self'): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Run-queue wait of the main threads of all `pids` so far, ns. */
export function runDelayNs(pids: readonly (number | 'self')[]): number {
  let sum = 0;
  for (const pid of pids) sum += mainThreadRunDelayNs(pid);
  return sum;
}

/**
 * A frame is starved when its processes waited more than 2 ms plus 2% of its time. Even under
 * SCHED_FIFO every wake-up waits a few microseconds for the CPU it lands on, and a frame of a
 * thousand packets wakes the delay line and the server thousands of times (measured: 1-5 ms in
 * all over a 200 ms frame of 991 KB at load 20, with the wire at its configured rate; a 70 ms
 * frame of 14 packets, under 0.3 ms). What the bound catches is a process that stood in a run
 * queue for milliseconds at once: the Node processes at normal priority under load waited 25 ms
 * on a 70 ms frame.
 */
export function starved(runDelayMs: number, totalMs: number): boolean {
  return runDelayMs > 2 + 0.02 * totalMs;
}
