// Preloaded into a CLI process by bench/analyze/deep (`node --import rss-probe.js bin/cleave.js ...`):
// at exit, writes the process's peak RSS (KiB) and CPU time (user + system, µs) as JSON to the
// file named by CLEAVE_BENCH_RSS_FILE, so the bench measures the whole command, not a library call.
import { writeFileSync } from 'node:fs';

const out = process.env.CLEAVE_BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKiB: u.maxRSS, cpuMicros: u.userCPUTime + u.systemCPUTime }));
  });
}
