// Preloaded into a CLI process by bench/analyze/deep (`node --import rss-probe.js bin/cleave.js ...`):
// at exit, writes the process's peak RSS in KiB to the file named by CLEAVE_BENCH_RSS_FILE, so the
// bench measures the whole command, not a library call.
import { writeFileSync } from 'node:fs';

const out = process.env.CLEAVE_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
