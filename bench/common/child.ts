/** A bench's child process: a Node script run fresh (its own peak RSS, a cold start like the CLI's). */
import { spawnSync } from 'node:child_process';

/** A child's output and its whole-process wall time (spawn to exit). */
export interface ChildRun<T> {
  readonly result: T;
  readonly processMs: number;
}

/** Runs `node script args...`; `parse` makes the result of its stdout (default: JSON). */
export function runNode<T>(script: string, args: readonly string[], parse: (stdout: string) => T = (s) => JSON.parse(s) as T): ChildRun<T> {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return { result: parse(r.stdout), processMs };
}
