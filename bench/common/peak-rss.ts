import { readFileSync } from 'node:fs';

/**
 * This process's peak resident set, MiB: Linux's VmHWM, the high-water mark of the process's own
 * memory since it started. Not getrusage's maxrss, which a child spawned by a large parent
 * inherits (the kernel keeps the larger of the pre-exec image's peak and its own), so a bench
 * that built VGG-16 in the parent saw 2 GiB in every child. Elsewhere, maxrss.
 */
export function peakRssMiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm?.[1]) return Number(hwm[1]) / 1024;
  } catch { /* no /proc: fall back */ }
  return process.resourceUsage().maxRSS / 1024;
}
