// V8 optimises a function only after it has run a budget of bytecode (--interrupt-budget,
// 66 KiB by default). Serving runs each of cleave's per-request functions once per request, so
// with the default budget the first one to two thousand requests run unoptimised code, and a
// bench of a few hundred requests per path measures V8 warming up rather than serving. Every
// bench/serve process therefore runs with a smaller budget: it changes when V8 optimises, not
// what it produces. Checked by a probe: with the default budget and 2500 warm-up requests per
// path, the stream path's overhead came out where this flag puts it after the bench's warm-up.
import { spawnSync } from 'node:child_process';

export const STEADY_JIT_FLAGS: readonly string[] = ['--interrupt-budget=4096'];

/**
 * Re-runs this script with STEADY_JIT_FLAGS when it was started without them (the flag must be
 * set before V8 compiles the code it concerns); returns only in the process that has them.
 */
export function ensureSteadyJit(): void {
  if (STEADY_JIT_FLAGS.every((f) => process.execArgv.includes(f))) return;
  const r = spawnSync(process.execPath, [...STEADY_JIT_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
