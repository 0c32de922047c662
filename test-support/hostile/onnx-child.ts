/**
 * Runs a list of CLI invocations in this process, one after the other, and prints one JSON line
 * per run: exit code, stderr, wall time and the process's peak RSS so far. The hostile-model
 * suite starts it as a child process (test-support/hostile/onnx-run.ts) so that a hang, a crash
 * or a memory blow-up ends the child, not the test runner.
 * Usage: node onnx-child.js RUNS.json   ([{ "id": "...", "argv": ["analyze", "m.onnx"] }, ...])
 */
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';

interface Run {
  readonly id: string;
  readonly argv: readonly string[];
}

const runs = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Run[];
for (const r of runs) {
  // The id goes to stderr first: if the child dies in this run, the parent knows which one.
  process.stderr.write(`start ${r.id}\n`);
  let stderr = '';
  const t0 = performance.now();
  const code = await main(r.argv, { stdout: () => undefined, stderr: (t) => { stderr += t; } });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ id: r.id, code, stderr, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}
