// bench/analyze/deep: analysis and cutting of deep graphs (issue 14, item 3). Chains and a DAG of
// residual blocks and branches are built in code (test-support/deep-graphs.ts) and written to
// bench/.cache; each is then analysed and cut after its first layer (the deepest tail) in a
// fresh process, as a library call (measure.ts: read, analyse, cut, encode both halves) and as
// the whole CLI process (`cleave analyze --json`, `cleave cut --no-verify`), with each
// process's peak RSS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { table } from '../../src/cli/format.js';
import { median } from '../../src/net/stats.js';

const HELP = `Usage: node build/bench/analyze/deep.js [options]

Times cleave's analysis and cutting of deep graphs and reports peak RSS; prints a table and
writes bench/results/analyze-deep.json.

Options:
  --chains N1,N2,...   chain lengths in nodes (default 2000,20000,100000)
  --dags N1,...        DAG sizes in nodes (default 20000)
  --dag-max-tensors K1,...  --max-tensors values the DAGs are analysed with (default 1,2)
  --runs N             runs per figure, median reported (default 3)
  --timeout S          give up on one process after S seconds (default 300)
  --no-cli             library calls only
  --out FILE           result file (default bench/results/analyze-deep.json)
  -h, --help           show this help
`;

const { values } = parseArgs({
  options: {
    chains: { type: 'string', default: '2000,20000,100000' },
    dags: { type: 'string', default: '20000' },
    'dag-max-tensors': { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '300' },
    'no-cli': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const list = (s: string) => s.split(',').filter(Boolean).map(Number);
const runs = Number(values.runs);
const timeoutMs = Number(values.timeout) * 1000;
if (!(runs >= 1) || !(timeoutMs > 0) || [...list(values.chains), ...list(values.dags), ...list(values['dag-max-tensors'])].some((n) => !(n >= 1))) {
  process.stderr.write(`bad option value\n${HELP}`);
  process.exit(2);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const cache = join(root, 'bench/.cache');
const cleave = join(root, 'bin/cleave.js');
const probe = join(here, 'rss-probe.js');

interface Case { readonly model: string; readonly kind: 'chain' | 'dag'; readonly nodes: number; readonly maxTensors: number; readonly cutAt: string }
/** One CLI process: wall and CPU time (user + system), peak RSS; or why it did not finish. */
interface Run { readonly ms: number; readonly cpuMs: number; readonly peakRssMiB: number; readonly error?: string }
/** One library process (measure.ts). */
interface Lib { readonly analyzeMs: number; readonly cutMs: number; readonly cpuMs: number; readonly peakRssMiB: number; readonly baseRssMiB: number; readonly cutPoints: number }

// Each model is cut after its first layer or block, where the tail is as deep as the model.
const cases: Case[] = [
  ...list(values.chains).map((n) => ({ model: `chain-${n}`, kind: 'chain' as const, nodes: n, maxTensors: 1, cutAt: 'l0' })),
  ...list(values.dags).flatMap((n) => list(values['dag-max-tensors']).map((k) => ({ model: `dag-${n}`, kind: 'dag' as const, nodes: n, maxTensors: k, cutAt: 'b0.out' }))),
];

/**
 * Runs `node args`, within the timeout; returns its stdout (unless `keepStdout` is false: the
 * CLI's JSON of a 100,000-node model is 100 MB, and this process must stay small, see
 * deep-model.ts), or why it failed.
 */
function node(args: readonly string[], env: NodeJS.ProcessEnv = process.env, keepStdout = true): { stdout: string; ms: number; error?: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20, env, stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.error || r.status !== 0) {
    const why = r.signal === 'SIGTERM' ? `timeout after ${timeoutMs / 1000} s` : (r.stderr ?? '').trim().split('\n').slice(-1)[0] || String(r.error ?? `exit ${r.status}`);
    return { stdout: '', ms, error: why };
  }
  return { stdout: r.stdout ?? '', ms };
}

/** One whole CLI process, timed from spawn to exit; its peak RSS and CPU time from the probe's file. */
function cli(args: readonly string[]): Run {
  const scratch = mkdtempSync(join(tmpdir(), 'cleave-bench-'));
  const probeFile = join(scratch, 'usage.json');
  try {
    const r = node(['--import', probe, cleave, ...args.map((a) => a.replace('{scratch}', scratch))], { ...process.env, CLEAVE_BENCH_RSS_FILE: probeFile }, false);
    const usage = existsSync(probeFile) ? (JSON.parse(readFileSync(probeFile, 'utf8')) as { maxRssKiB: number; cpuMicros: number }) : undefined;
    return { ms: r.ms, cpuMs: (usage?.cpuMicros ?? NaN) / 1000, peakRssMiB: (usage?.maxRssKiB ?? NaN) / 1024, error: r.error };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Medians of the runs, or the first failure. */
function summary(xs: readonly Run[]): { ms: number; cpuMs: number; peakRssMiB: number } | { error: string } {
  const failed = xs.find((x) => x.error);
  if (failed) return { error: failed.error! };
  return { ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)), peakRssMiB: median(xs.map((x) => x.peakRssMiB)) };
}

mkdirSync(cache, { recursive: true });
// Wall times on a shared machine move with its load: the run records it, and CPU times beside.
const startedAt = new Date().toISOString();
const loadBefore = loadavg()[0]!;
const results: Record<string, unknown>[] = [];
const rows: (string | number)[][] = [];
const ms = (x: number) => (x < 10_000 ? x.toFixed(0) : `${(x / 1000).toFixed(1)} s`);
const cell = (r: { ms: number; cpuMs: number; peakRssMiB: number } | { error: string } | null) =>
  r === null ? '-' : 'error' in r ? `failed: ${r.error}` : `${ms(r.ms)} / ${ms(r.cpuMs)} / ${r.peakRssMiB.toFixed(0)}`;
for (const c of cases) {
  const file = join(cache, `${c.model}.onnx`);
  // Built in a child (see deep-model.ts), every time: the file is the one this code writes.
  const built = node([join(here, 'deep-model.js'), c.kind, String(c.nodes), file]);
  if (built.error) throw new Error(`cannot build ${c.model}: ${built.error}`);
  const nodes = (JSON.parse(built.stdout) as { nodes: number }).nodes;
  const cutAt = c.cutAt;
  const k = ['--max-tensors', String(c.maxTensors)];
  const lib: Lib[] = [];
  let libError: string | undefined;
  for (let i = 0; i < runs && !libError; i++) {
    const r = node([join(here, 'measure.js'), file, cutAt, ...k]);
    if (r.error) libError = r.error;
    else lib.push(JSON.parse(r.stdout) as Lib);
  }
  const cliAnalyze: Run[] = [];
  const cliCut: Run[] = [];
  for (let i = 0; i < runs && !values['no-cli']; i++) {
    cliAnalyze.push(cli(['analyze', file, '--json', ...k]));
    cliCut.push(cli(['cut', file, '--at', cutAt, '-o', '{scratch}/out', '--no-verify']));
    if (cliAnalyze.some((r) => r.error) && cliCut.some((r) => r.error)) break;
  }
  const library = libError
    ? { error: libError }
    : {
      analyzeMs: median(lib.map((r) => r.analyzeMs)),
      cutMs: median(lib.map((r) => r.cutMs)),
      cpuMs: median(lib.map((r) => r.cpuMs)),
      peakRssMiB: median(lib.map((r) => r.peakRssMiB)),
      // RSS once Node has started, before reading the model
      baseRssMiB: median(lib.map((r) => r.baseRssMiB)),
    };
  const cliResult = values['no-cli'] ? null : { analyze: summary(cliAnalyze), cut: summary(cliCut) };
  const res = { model: c.model, nodes, maxTensors: c.maxTensors, fileMiB: statSync(file).size / 2 ** 20, cutAt, cutPoints: lib[0]?.cutPoints ?? null, library, cli: cliResult };
  results.push(res);
  rows.push([
    c.model, res.nodes, c.maxTensors, res.fileMiB.toFixed(1), res.cutPoints ?? '-',
    'error' in library ? `failed: ${library.error}` : `${ms(library.analyzeMs)} + ${ms(library.cutMs)} / ${ms(library.cpuMs)} / ${library.peakRssMiB.toFixed(0)}`,
    cell(cliResult?.analyze ?? null), cell(cliResult?.cut ?? null),
  ]);
  process.stderr.write(`${c.model} max tensors ${c.maxTensors}: done\n`);
}
process.stdout.write(table(['model', 'nodes', 'max tensors', 'file MiB', 'cuts', 'library: analyze + cut ms / CPU ms / peak RSS MiB', 'CLI analyze: ms / CPU ms / MiB', 'CLI cut: ms / CPU ms / MiB'], rows));
const out = values.out ?? join(root, 'bench/results/analyze-deep.json');
mkdirSync(join(out, '..'), { recursive: true });
const loadAverage = { before: loadBefore, after: loadavg()[0]! };
process.stdout.write(`${startedAt}, load average ${loadAverage.before.toFixed(1)} before, ${loadAverage.after.toFixed(1)} after\n`);
writeFileSync(out, `${JSON.stringify({ runs, node: process.version, startedAt, loadAverage, timeoutS: timeoutMs / 1000, results }, null, 2)}\n`);
