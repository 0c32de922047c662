/**
 * bench/netem-inference: real split inferences through a shaped link. The edge client (head in
 * ORT, fp32 codec, HTTP POST) runs in one network namespace, `cleave serve`'s server with the
 * tail in the other; tc tbf sets the rate, the C delay line the RTT, nftables the loss. Grid:
 * rate 1/10/100 Mbit/s x RTT 5/50 ms x two cuts (LeNet after relu1, 18.8 KB; MobileNetV2 at
 * 64x64 after its stem, 131 KB) x a new TCP connection per request or one kept-alive. Each
 * point's median end-to-end time is set against the analytic split-latency model and the
 * simulator, both fed the measured head, encode and server times and the bytes the sockets moved
 * (kept-alive: the simulator sends the client's warm-up frames on the same connection first, the
 * analytic model takes the window as open). Prints a markdown table; writes
 * bench/results/netem-inference.json.
 *
 *   npx tsc -p tsconfig.json && node build/bench/netem-inference/run.js [--quick] [--loss PCT] [--count N]
 *
 * --quick: 10 Mbit/s only. --loss PCT: random loss on every point (default 0). --count N: timed
 * frames per point and connection mode (default 7, after 2 warm-up frames). --table FILE prints
 * the table of a stored results file, its measurements re-scored by the current models (no root
 * needed); add --write to store the re-scored figures in that file.
 * Needs root (namespaces, tc, nft). Takes about 4 minutes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../../src/net/stats.js';
import type { GridPoint } from '../../test-support/net/netem-grid.js';
import { netnsUnavailableReason } from '../../test-support/net/shaped-link.js';
import { CLIENT_WARMUP, SPLIT_CASES, SplitRig, type SplitRow, scoreSplit } from '../../test-support/net/split-inference.js';
import { flag, option } from '../../src/cli/option-table.js';
import { integer, number, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values: v } = benchArgs({
  script: 'bench/netem-inference/run.js',
  description: `Real split inferences through a shaped link: the edge client (head in ORT, HTTP POST) in one network
namespace, \`cleave serve\`'s tail in the other; rate 1/10/100 Mbit/s x RTT 5/50 ms x two cuts x
a new connection per request or one kept-alive, against the analytic model and the simulator.
Needs root; takes about 4 minutes.`,
  options: {
    quick: flag('10 Mbit/s only'),
    loss: option(number, { default: 0, check: { test: (x: number) => x >= 0 && x < 50, says: () => 'a percentage in [0, 50)' }, arg: 'PCT', help: 'random loss on every point' }),
    count: option(integer, { default: 7, check: positive, help: 'timed frames per point and connection mode (after 2 warm-up frames)' }),
    table: option(text, { arg: 'FILE', help: 'print the table of a stored results file, re-scored by the current models (no root)' }),
    write: flag('with --table: store the re-scored figures in that file'),
  },
  notes: 'Prints a markdown table; writes bench/results/netem-inference.json (-lossPCT.json with --loss).',
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const medAbs = (rows: readonly SplitRow[], k: 'analyticError' | 'simulatedError'): number => median(rows.map((r) => Math.abs(r[k])));

/** Request bytes beyond the tensor, split into the HTTP request line + headers and the v2 JSON header. */
function httpBytes(rows: readonly SplitRow[]): string {
  const parts = (mode: string): string => {
    const r = rows.filter((x) => x.connection === mode);
    const http = median(r.map((x) => x.wireUpBytes - x.bodyBytes));
    const v2 = median(r.map((x) => x.bodyBytes - x.cutBytes));
    return `${mode} ${http} B of HTTP request line and headers + ${v2} B of v2 JSON header`;
  };
  return `${parts('fresh')}, ${parts('keep-alive')}`;
}

/** The signed error of largest size. */
const worst = (rows: readonly SplitRow[], k: 'analyticError' | 'simulatedError'): number => rows.reduce((w, r) => (Math.abs(r[k]) > Math.abs(w) ? r[k] : w), 0);

function errorSummary(rows: readonly SplitRow[]): Record<string, { analytic: number; simulated: number }> {
  const of = (mode: string) => {
    const r = rows.filter((x) => x.connection === mode);
    return { analytic: medAbs(r, 'analyticError'), simulated: medAbs(r, 'simulatedError') };
  };
  return { fresh: of('fresh'), keepAlive: of('keep-alive') };
}

function table(rows: readonly SplitRow[], when: string): string {
  const fresh = rows.filter((r) => r.connection === 'fresh');
  const kept = rows.filter((r) => r.connection === 'keep-alive');
  const cc = rows[0]?.congestionControl ?? '?';
  const ok = rows.every((r) => r.answered === r.requests && r.agreeWithWhole === r.requests);
  return [
    `Real split inference (head on the edge namespace, \`cleave serve\` tail on the server namespace, kernel TCP ${cc}, tbf rate, delay-line RTT, ${rows[0]?.lossPct ?? 0}% loss; measured ${when}). Median of ${rows[0]?.requests ?? 0} frames, edge client's time from the head's start to the reply decoded. Models are fed the measured head, encode and server times and the socket bytes (HTTP included); "no HTTP" feeds the analytic model the bare tensor. Kept-alive: the simulator sends the client's ${CLIENT_WARMUP} warm-up frames on the same connection first; the analytic model takes the window as open.`,
    '',
    '| cut | rate | RTT | connection | tensor B | request B | reply B | head ms | server ms | measured ms | analytic ms | err | simulated ms | err | analytic, no HTTP ms |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.rateBps / 1e6} Mbit/s | ${r.rttMs} ms | ${r.connection} | ${r.cutBytes} | ${r.wireUpBytes} | ${r.wireDownBytes} | ${r.headMs.toFixed(2)} | ${r.serverMs.toFixed(2)} | ${r.measuredMs.toFixed(1)} | ${r.analyticMs.toFixed(1)} | ${pct(r.analyticError)} | ${r.simulatedMs.toFixed(1)} | ${pct(r.simulatedError)} | ${r.analyticNoHttpMs.toFixed(1)} |`,
    ),
    '',
    `New connection per request (${fresh.length} points): median |error| analytic ${(medAbs(fresh, 'analyticError') * 100).toFixed(1)}%, simulator ${(medAbs(fresh, 'simulatedError') * 100).toFixed(1)}%.`,
    `Kept-alive (${kept.length} points): median |error| analytic (open window) ${(medAbs(kept, 'analyticError') * 100).toFixed(1)}% (worst ${pct(worst(kept, 'analyticError'))}), simulator (after the warm-up frames) ${(medAbs(kept, 'simulatedError') * 100).toFixed(1)}% (worst ${pct(worst(kept, 'simulatedError'))}).`,
    `What HTTP adds to a request: ${httpBytes(rows)}; replies (HTTP headers, v2 JSON header, fp32 scores): ${[...new Set(rows.map((r) => `${r.case} ${r.connection} ${r.wireDownBytes} B`))].join(', ')}. "analytic, no HTTP" shows what leaving those bytes out of the model changes.`,
    `Every frame answered by the server with the whole model's prediction: ${ok ? 'yes' : 'NO'}.`,
  ].join('\n');
}

async function main(): Promise<void> {
  if (v.table) {
    const file = v.table;
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { date: string; rows: SplitRow[] } & Record<string, unknown>;
    const rows = stored.rows.map((r) => scoreSplit(r));
    process.stdout.write(`${table(rows, stored.date)}\n`);
    if (v.write) writeFileSync(file, `${JSON.stringify({ ...stored, rescoredAt: new Date().toISOString(), medianAbsError: errorSummary(rows), rows }, null, 2)}\n`);
    return;
  }
  const why = netnsUnavailableReason();
  if (why) {
    process.stderr.write(`bench/netem-inference: cannot run: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const { quick, loss: lossPct, count } = v;
  const points: GridPoint[] = [];
  for (const rateBps of quick ? [10e6] : [1e6, 10e6, 100e6]) for (const rttMs of [5, 50]) points.push({ rateBps, rttMs, lossPct });
  const started = Date.now();
  const rows: SplitRow[] = [];
  for (const name of SPLIT_CASES) {
    const rig = await SplitRig.create(name);
    try {
      for (const point of points) {
        for (const connection of ['fresh', 'keep-alive'] as const) {
          const r = await rig.measure(point, { connection, count: lossPct > 0 ? count * 2 + 1 : count });
          rows.push(r);
          process.stderr.write(`${name} ${point.rateBps / 1e6} Mbit/s ${point.rttMs} ms ${connection}: ${r.measuredMs.toFixed(1)} ms (analytic ${r.analyticMs.toFixed(1)}, sim ${r.simulatedMs.toFixed(1)})\n`);
        }
      }
    } finally {
      await rig.close();
    }
  }
  const when = new Date().toISOString();
  process.stdout.write(`${table(rows, when)}\n`);
  const out = join(root, `bench/results/netem-inference${lossPct > 0 ? `-loss${lossPct}` : ''}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({
      date: when, quick, lossPct, seconds: (Date.now() - started) / 1000,
      medianAbsError: errorSummary(rows),
      rows,
    }, null, 2)}\n`,
  );
}

await main();
