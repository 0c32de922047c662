/**
 * bench/netem: the real-link validation grid. Real kernel TCP (the machine's default congestion
 * control, BBR here) between two network namespaces, rate-limited by tc tbf, with random loss
 * from nftables and propagation delay from the C delay line (the kernel has no netem), against
 * the analytic model and the simulator, over rate 1/10/100 Mbit/s x RTT 5/50/200 ms x loss 0/1 %
 * x payload 10 KB/100 KB/1 MB. Prints a markdown table; writes bench/results/netem.json.
 *
 *   npx tsc -p tsconfig.json && node build/bench/netem/run.js [--quick] [--cc cubic|reno|bbr]
 *
 * Without --cc the kernel's default is used and the result goes to bench/results/netem.json;
 * with --cc NAME (set per route) to bench/results/netem-NAME.json.
 * --rescore FILE recomputes the model columns for the measurements stored in FILE (no new
 * transfers, no root needed) and rewrites FILE: for re-checking the models after a change.
 * Needs root (namespaces, tc, nft). Takes about 6 minutes (--quick: 1 and 100 Mbit/s only at 50 ms).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { medianAbsError, modelRow, runGrid, type GridPoint, type GridRow } from '../../test-support/net/netem-grid.js';
import { netnsUnavailableReason } from '../../test-support/net/shaped-link.js';
import { flag, option } from '../../src/cli/option-table.js';
import { oneOf, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values: v } = benchArgs({
  script: 'bench/netem/run.js',
  description: `Real kernel TCP between two network namespaces (tc tbf rate, nftables loss, the C delay line for
the RTT) against the analytic model and the simulator, over rate 1/10/100 Mbit/s x RTT 5/50/200 ms
x loss 0/1 % x payload 10 KB/100 KB/1 MB. Needs root; takes about 6 minutes.`,
  options: {
    quick: flag('1 and 100 Mbit/s at 50 ms only'),
    cc: option(oneOf('bbr', 'cubic', 'reno'), { help: 'congestion control (per route); default the kernel\'s, results to bench/results/netem.json, else netem-CC.json' }),
    rescore: option(text, { arg: 'FILE', help: 'recompute the model columns of the measurements stored in FILE and rewrite it (no transfers, no root)' }),
  },
  notes: 'Prints a markdown table; writes bench/results/netem.json (or netem-CC.json).',
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

interface Stored {
  readonly date: string;
  readonly congestionControl: string;
  readonly quick?: boolean;
  readonly rows: readonly GridRow[];
}

function report(rows: readonly GridRow[], cc: string, measuredOn: string): string {
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const analytic = medianAbsError(rows, 'analyticError');
  const simulated = medianAbsError(rows, 'simulatedError');
  const worst = (k: 'analyticError' | 'simulatedError'): string => pct(Math.max(...rows.map((r) => Math.abs(r[k]))));
  return [
    `Real TCP (${cc}) through namespaces, tbf rate, nftables loss and a user-space delay line (measured ${measuredOn}); median of 3 transfers (7 with loss), connect() to the receiver's reply. Models: analytic typical time, simulator median of 21 seeds.`,
    '',
    '| rate | RTT | loss | payload | measured ms | analytic ms | err | simulated ms | err |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.rateBps / 1e6} Mbit/s | ${r.rttMs} ms | ${r.lossPct}% | ${r.bytes / 1000} KB | ${r.measuredMs.toFixed(1)} | ${r.analyticMs.toFixed(1)} | ${pct(r.analyticError)} | ${r.simulatedMs.toFixed(1)} | ${pct(r.simulatedError)} |`,
    ),
    '',
    `Median |error| over ${rows.length} points: analytic ${(analytic * 100).toFixed(1)}% (worst ${worst('analyticError')}), simulator ${(simulated * 100).toFixed(1)}% (worst ${worst('simulatedError')}); target <= 10%.`,
  ].join('\n');
}

function rescore(file: string): void {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
  const rows = stored.rows.map((r) => modelRow(r, r.bytes, stored.congestionControl, r.samplesMs));
  process.stdout.write(`${report(rows, stored.congestionControl, stored.date)}\n`);
  const analytic = medianAbsError(rows, 'analyticError');
  const simulated = medianAbsError(rows, 'simulatedError');
  writeFileSync(file, `${JSON.stringify({ ...stored, rescoredAt: new Date().toISOString(), medianAbsError: { analytic, simulated }, rows }, null, 2)}\n`);
}

async function main(): Promise<void> {
  if (v.rescore) {
    rescore(v.rescore);
    return;
  }
  const why = netnsUnavailableReason();
  if (why) {
    process.stderr.write(`bench/netem: cannot run: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const quick = v.quick;
  const ccArg = v.cc;
  const points: GridPoint[] = [];
  for (const rateBps of quick ? [1e6, 100e6] : [1e6, 10e6, 100e6])
    for (const rttMs of quick ? [50] : [5, 50, 200]) for (const lossPct of [0, 1]) points.push({ rateBps, rttMs, lossPct });
  const sizes = [10_000, 100_000, 1_000_000];
  const started = Date.now();
  const rows: GridRow[] = await runGrid({
    points,
    sizes,
    repeats: 3,
    repeatsWithLoss: 7,
    simRuns: 21,
    ...(ccArg ? { congestionControl: ccArg } : {}),
    onRow: (r) => process.stderr.write(`${r.rateBps / 1e6} Mbit/s ${r.rttMs} ms ${r.lossPct}% ${r.bytes} B: ${r.measuredMs.toFixed(1)} ms\n`),
  });
  const analytic = medianAbsError(rows, 'analyticError');
  const simulated = medianAbsError(rows, 'simulatedError');
  const cc = rows[0]?.congestionControl ?? '?';
  process.stdout.write(`${report(rows, cc, new Date().toISOString())}\n`);
  const out = join(root, `bench/results/${ccArg ? `netem-${ccArg}` : 'netem'}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), congestionControl: cc, quick, seconds: (Date.now() - started) / 1000, medianAbsError: { analytic, simulated }, rows }, null, 2)}\n`,
  );
}

await main();
