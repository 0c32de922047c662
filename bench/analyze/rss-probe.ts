// Preloaded into a CLI process by bench/analyze/deep (`node --import rss-probe.js bin/cleave.js ...`):
// at exit, writes the process's peak RSS (KiB) and CPU time (user + system, µs) as JSON to the
// file named by CLEAVE_BENCH_RSS_FILE, so the bench measures the whole command, not a library call.
// Run on its own it only answers --help, like every bench script; the arguments module is loaded
// only then, so the probe adds nothing to the memory it measures.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { benchArgs } = await import('../common/args.js');
  benchArgs({
    script: 'bench/analyze/rss-probe.js',
    description: `Not run on its own: bench/analyze/deep preloads it into a CLI process
(node --import build/bench/analyze/rss-probe.js bin/cleave.js ...), and at exit it writes that
process's peak RSS (KiB) and CPU time (µs) as JSON to the file CLEAVE_BENCH_RSS_FILE names.`,
    options: {},
  });
}

const out = process.env.CLEAVE_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMicros: u.userCPUTime + u.systemCPUTime }));
  });
}
