/**
 * bench/net/warm: predicted against measured end-to-end split-inference latency on the real
 * shaped link, for new and kept-alive connections (issue 17, item 5).
 *
 * The edge client (head in ORT, fp32 codec, HTTP POST) runs in one network namespace,
 * `cleave serve`'s server with the tail in the other; tc tbf sets the rate, the C delay line the
 * RTT. Grid: rate x RTT x a real cut tensor (LeNet after pool1, 4.7 KB; MobileNetV2 stem at
 * 64x64, 131 KB, and at 176x176, 991 KB) x congestion control (BBR, CUBIC) x connection: a new
 * TCP connection per request; one kept-alive connection with a pause below the RTO between a
 * reply and the next frame, or above it (tcp_slow_start_after_idle on, Linux's default, and for
 * CUBIC also off: BBR ignores it). Each cell's median over frames whose processes did not wait
 * for a CPU is set against the analytic model and the simulator, both fed the measured head,
 * encode and server times and socket bytes and, when kept alive, the connection's history; the
 * network part alone is set against what the delay line saw on the wire. Prints a markdown
 * table and the median |error| per congestion control and connection kind; writes
 * bench/results/net-warm.json (after every cell, so a stopped run keeps what it measured).
 *
 *   npx tsc -p tsconfig.json && node build/bench/net/warm.js [options]
 *
 * Needs root (namespaces, tc, nft). The whole grid takes about 40 minutes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { positiveList as list } from '../common/args.js';
import { median } from '../../src/net/stats.js';
import type { GridPoint } from '../../test-support/net/netem-grid.js';
import { netnsUnavailableReason, realTimeAvailable } from '../../test-support/net/shaped-link.js';
import { SplitRig, WARM_CASES, scoreSplit, type SplitCaseName, type SplitRow } from '../../test-support/net/split-inference.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

const HELP = `Usage: node build/bench/net/warm.js [options]

Predicted vs measured split-inference latency on the real shaped link, new and kept-alive
connections (BBR, CUBIC; pauses below and above the RTO).

  --rates LIST     Mbit/s, default 1,5,20,50
  --rtts LIST      ms, default 10,50,100
  --cases LIST     cuts, default ${WARM_CASES.join(',')}
  --cc LIST        congestion controls, default bbr,cubic
  --count N        timed frames per cell whose processes did not wait for a CPU, default 5
                   (up to 8 client runs of N frames each to find them)
  --short-gap MS   pause below the RTO, default 50
  --long-gap MS    pause above the RTO, default 1500
  --max-frame-s S  skip cells whose payload alone takes longer than S at the rate, default 2.5
  --quick          10 and 50 ms, 5 and 50 Mbit/s, the two MobileNetV2 cuts
  --out FILE       default bench/results/net-warm.json
  --resume         keep the cells already in --out and measure only the grid's missing ones
                   and those that measured nothing (a run that was stopped; same grid options)
  --table FILE     print the table of a stored results file re-scored by the current models
                   (no root needed); with --write, store the re-scored figures in it
  --help           this text

Needs root. Prints a markdown table; writes the results JSON after every cell.`;

/** How a cell's connection is used. */
interface Mode {
  readonly connection: 'fresh' | 'keep-alive';
  readonly gap: 'short' | 'long';
  readonly slowStartAfterIdle: boolean;
}

const pct = (x: number | undefined): string => (x === undefined ? '' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const abs = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '' : `${(x * 100).toFixed(1)}%`);

/** A cell: its measurement and models, and the machine's 1-minute load average when it started. */
type WarmRow = SplitRow & { readonly load1?: number };

/** What identifies a cell of the grid (a fresh connection's gap does not matter but is stored as run). */
function cellKey(r: Pick<SplitRow, 'case' | 'congestionControl' | 'rateBps' | 'rttMs' | 'connection' | 'gapMs' | 'slowStartAfterIdle'>): string {
  return [r.case, r.congestionControl, r.rateBps, r.rttMs, r.connection, r.gapMs, r.slowStartAfterIdle].join(' ');
}

/** A stored run to resume: its rows and how it was started. */
interface StoredRun {
  readonly date: string;
  readonly command: string;
  readonly resumed: readonly { date: string; command: string }[];
  readonly seconds: number;
  readonly loadStart: number;
  readonly rows: readonly WarmRow[];
}

function storedRun(file: string): StoredRun | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const j = JSON.parse(text) as { date: string; command: string; resumed?: { date: string; command: string }[]; seconds?: number; load?: string; rows: WarmRow[] };
  return { date: j.date, command: j.command, resumed: j.resumed ?? [], seconds: j.seconds ?? 0, loadStart: Number.parseFloat(j.load ?? '0'), rows: j.rows };
}

/** The connection kind a row belongs to in the summaries. */
function kind(r: SplitRow): string {
  if (r.connection === 'fresh') return 'new';
  const gap = (r.gapMs ?? 0) >= 1000 ? 'long gap' : 'short gap';
  return r.slowStartAfterIdle === false ? `kept-alive, ${gap}, slow_start_after_idle 0` : `kept-alive, ${gap}`;
}

/** A cell with at least one frame whose processes did not wait for a CPU (else it measured nothing). */
const measuredCell = (r: SplitRow): boolean => r.samplesMs.length > 0;

function summary(all: readonly SplitRow[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const rows = all.filter(measuredCell);
  const keys = [...new Set(rows.map((r) => `${r.congestionControl} ${kind(r)}`))].sort();
  const medAbs = (xs: readonly (number | undefined)[]): number => median(xs.filter((x): x is number => x !== undefined).map(Math.abs));
  for (const key of keys) {
    const g = rows.filter((r) => `${r.congestionControl} ${kind(r)}` === key);
    out[key] = {
      cells: g.length,
      analytic: medAbs(g.map((r) => r.analyticError)),
      simulated: medAbs(g.map((r) => r.simulatedError)),
      analyticNetwork: medAbs(g.map((r) => r.analyticNetworkError)),
      simulatedNetwork: medAbs(g.map((r) => r.simulatedNetworkError)),
    };
  }
  return out;
}

/** Median |error| per point of the grid (rate x RTT) and connection, over cuts and congestion controls: analytic / simulated. */
function gridTable(all: readonly SplitRow[]): string[] {
  const rows = all.filter(measuredCell);
  const kinds = ['new', 'kept-alive, short gap', 'kept-alive, long gap'] as const;
  const kindOf = (r: SplitRow): string => kind(r).replace(', slow_start_after_idle 0', '');
  const points = [...new Set(rows.map((r) => `${r.rateBps} ${r.rttMs}`))].map((k) => k.split(' ').map(Number) as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cell = (g: readonly SplitRow[]): string => (g.length === 0 ? '' : `${abs(median(g.map((r) => Math.abs(r.analyticError))))} / ${abs(median(g.map((r) => Math.abs(r.simulatedError))))} (${g.length})`);
  return [
    `| rate | RTT | ${kinds.join(' | ')} |`,
    `|---:|---:|${kinds.map(() => '---:').join('|')}|`,
    ...points.map(([rate, rtt]) => `| ${rate / 1e6} Mbit/s | ${rtt} ms | ${kinds.map((k) => cell(rows.filter((r) => r.rateBps === rate && r.rttMs === rtt && kindOf(r) === k))).join(' | ')} |`),
    `| all | all | ${kinds.map((k) => cell(rows.filter((r) => kindOf(r) === k))).join(' | ')} |`,
  ];
}

function table(rows: readonly WarmRow[], meta: { date: string; load: string; realTime: boolean }): string {
  const s = summary(rows);
  const f1 = (x: number | undefined): string => (x === undefined ? '' : x.toFixed(1));
  return [
    `Real split inference over the shaped link (kernel TCP, tbf rate, delay-line RTT, no loss), measured ${meta.date}, load average ${meta.load}, processes ${meta.realTime ? 'under SCHED_FIFO' : 'at normal priority'}. Median of the frames whose processes did not wait for a CPU; the models get the measured head, encode and server times, the socket bytes and the connection's history. "net" compares the network part alone with the delay line's trace.`,
    '',
    '| cut | rate | RTT | cc | connection | request B | measured ms | analytic ms | err | simulated ms | err | net ms | net err analytic | net err sim | starved | load |',
    '|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) =>
      !measuredCell(r)
        ? `| ${r.case} | ${r.rateBps / 1e6} Mbit/s | ${r.rttMs} ms | ${r.congestionControl} | ${kind(r)} | ${r.wireUpBytes} | every frame waited for a CPU |  |  |  |  |  |  |  | ${r.starvedFrames ?? 0} | ${f1(r.load1)} |`
        : `| ${r.case} | ${r.rateBps / 1e6} Mbit/s | ${r.rttMs} ms | ${r.congestionControl} | ${kind(r)} | ${r.wireUpBytes} | ${r.measuredMs.toFixed(1)} | ${r.analyticMs.toFixed(1)} | ${pct(r.analyticError)} | ${r.simulatedMs.toFixed(1)} | ${pct(r.simulatedError)} | ${f1(r.networkMs)} | ${pct(r.analyticNetworkError)} | ${pct(r.simulatedNetworkError)} | ${r.starvedFrames ?? 0} | ${f1(r.load1)} |`,
    ),
    '',
    ...gridTable(rows),
    '',
    '| cc, connection | cells | median abs err analytic | simulated | network part: analytic | simulated |',
    '|---|---:|---:|---:|---:|---:|',
    ...Object.entries(s).map(([k, v]) => `| ${k} | ${v.cells} | ${abs(v.analytic)} | ${abs(v.simulated)} | ${abs(v.analyticNetwork)} | ${abs(v.simulatedNetwork)} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string' }, rtts: { type: 'string' }, cases: { type: 'string' }, cc: { type: 'string' },
      count: { type: 'string' }, 'short-gap': { type: 'string' }, 'long-gap': { type: 'string' }, 'max-frame-s': { type: 'string' },
      quick: { type: 'boolean' }, resume: { type: 'boolean' }, out: { type: 'string' }, table: { type: 'string' }, write: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (values.table) {
    const stored = JSON.parse(readFileSync(values.table, 'utf8')) as { date: string; load?: string; realTime?: boolean; rows: WarmRow[] } & Record<string, unknown>;
    const rows: WarmRow[] = stored.rows.map((r) => ({ ...scoreSplit(r), ...(r.load1 === undefined ? {} : { load1: r.load1 }) }));
    process.stdout.write(`${table(rows, { date: stored.date, load: stored.load ?? '?', realTime: stored.realTime ?? true })}\n`);
    if (values.write) writeFileSync(values.table, `${JSON.stringify({ ...stored, rescoredAt: new Date().toISOString(), medianAbsError: summary(rows), rows }, null, 2)}\n`);
    return;
  }
  const why = netnsUnavailableReason();
  if (why) {
    process.stderr.write(`bench/net/warm: cannot run: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const quick = values.quick === true;
  const rates = list(values.rates, quick ? [5, 50] : [1, 5, 20, 50]).map((r) => r * 1e6);
  const rtts = list(values.rtts, quick ? [10, 50] : [10, 50, 100]);
  const cases = (values.cases?.split(',') ?? (quick ? ['mobilenetv2-stem', 'mobilenetv2-176-stem'] : [...WARM_CASES])) as SplitCaseName[];
  for (const c of cases) if (!WARM_CASES.includes(c) && c !== 'lenet-relu1') throw new Error(`unknown case "${c}" (known: ${WARM_CASES.join(', ')}, lenet-relu1)`);
  const ccs = values.cc?.split(',') ?? ['bbr', 'cubic'];
  for (const c of ccs) if (c !== 'bbr' && c !== 'cubic' && c !== 'reno') throw new Error(`--cc takes bbr, cubic or reno, got "${c}"`);
  const [count] = list(values.count, [5]);
  const [shortGap] = list(values['short-gap'], [50]);
  const [longGap] = list(values['long-gap'], [1500]);
  const [maxFrameS] = list(values['max-frame-s'], [2.5]);
  const out = values.out ?? join(root, 'bench/results/net-warm.json');
  const modes = (cc: string): Mode[] => [
    { connection: 'fresh', gap: 'short', slowStartAfterIdle: true },
    { connection: 'keep-alive', gap: 'short', slowStartAfterIdle: true },
    { connection: 'keep-alive', gap: 'long', slowStartAfterIdle: true },
    ...(cc === 'bbr' ? [] : [{ connection: 'keep-alive', gap: 'long', slowStartAfterIdle: false } as const]),
  ];
  const cutBytes: Record<SplitCaseName, number> = { 'lenet-pool1': 4704, 'lenet-relu1': 18_816, 'mobilenetv2-stem': 131_072, 'mobilenetv2-176-stem': 991_232 };
  const started = Date.now();
  const loadStart = loadavg()[0] ?? 0;
  const command = `node build/bench/net/warm.js ${process.argv.slice(2).join(' ')}`.trim();
  const earlier = values.resume === true ? storedRun(out) : undefined;
  // Cells where every frame waited for a CPU measured nothing: a resumed run measures them again.
  const rows: WarmRow[] = (earlier?.rows ?? []).filter(measuredCell);
  const cellLoads: number[] = rows.flatMap((r) => (r.load1 === undefined ? [] : [r.load1]));
  const measured = new Set(rows.map(cellKey));
  const save = (complete: boolean): void => {
    mkdirSync(dirname(out), { recursive: true });
    const load = `${(earlier ? earlier.loadStart : loadStart).toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end, median over cells ${median(cellLoads).toFixed(1)}`;
    const first = earlier ? { date: earlier.date, command: earlier.command, resumed: [...earlier.resumed, { date: new Date(started).toISOString(), command }] } : { date: new Date(started).toISOString(), command };
    writeFileSync(out, `${JSON.stringify({
      date: first.date, complete, seconds: (earlier?.seconds ?? 0) + (Date.now() - started) / 1000, command: first.command,
      ...('resumed' in first ? { resumed: first.resumed } : {}),
      load, realTime: realTimeAvailable(), count, shortGapMs: shortGap, longGapMs: longGap, medianAbsError: summary(rows), rows,
    }, null, 2)}\n`);
  };
  const gapOf = (m: Mode): number => (m.gap === 'short' ? shortGap! : longGap!);
  for (const cc of ccs) {
    for (const name of cases) {
      const cells = rates.flatMap((rateBps) => rtts.flatMap((rttMs) => modes(cc).map((m) => ({ rateBps, rttMs, m }))))
        .filter((c) => (cutBytes[name] * 8) / c.rateBps <= maxFrameS!)
        .filter((c) => !measured.has(cellKey({ case: name, congestionControl: cc, rateBps: c.rateBps, rttMs: c.rttMs, connection: c.m.connection, gapMs: gapOf(c.m), slowStartAfterIdle: c.m.slowStartAfterIdle })));
      if (cells.length === 0) continue;
      const rig = await SplitRig.create(name, cc);
      try {
        for (const { rateBps, rttMs, m } of cells) {
          const point: GridPoint = { rateBps, rttMs, lossPct: 0 };
          const load = loadavg()[0] ?? 0;
          const r = await rig.measure(point, { connection: m.connection, count: count!, gapMs: gapOf(m), slowStartAfterIdle: m.slowStartAfterIdle, maxRuns: 8 });
          rows.push({ ...r, load1: load });
          cellLoads.push(load);
          process.stderr.write(`${((Date.now() - started) / 60_000).toFixed(1)} min, load ${load.toFixed(1)}: ${name} ${rateBps / 1e6} Mbit/s ${rttMs} ms ${cc} ${kind(r)}: measured ${r.measuredMs.toFixed(1)} ms, analytic ${r.analyticMs.toFixed(1)} (${pct(r.analyticError)}), simulated ${r.simulatedMs.toFixed(1)} (${pct(r.simulatedError)}), starved ${r.starvedFrames}\n`);
          save(false);
        }
      } finally {
        await rig.close();
      }
    }
  }
  save(true);
  const load = `${loadStart.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end, median over cells ${median(cellLoads).toFixed(1)}`;
  process.stdout.write(`${table(rows, { date: new Date(started).toISOString(), load, realTime: realTimeAvailable() })}\n`);
}

await main();
