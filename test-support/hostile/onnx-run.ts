import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel } from '../../src/onnx/codec.js';
import { type Expectation, type HostileCommand, HOSTILE_COMMANDS, type ModelCase } from './onnx-cases.js';

const CHILD = fileURLToPath(new URL('./onnx-child.js', import.meta.url));

/** One CLI invocation on one case. */
export interface HostileRun {
  readonly id: string;
  readonly model: string;
  readonly what: string;
  readonly command: HostileCommand;
  readonly argv: readonly string[];
  /** where the command writes (checked afterwards for half-written files) */
  readonly out: string;
  readonly expect: Expectation;
}

/** What a run ended in: an exit code, or a crash / time-out of its child. */
export interface RunResult {
  readonly run: HostileRun;
  readonly code?: number;
  readonly stderr: string;
  readonly ms: number;
  /** peak RSS of the child process up to the end of this run */
  readonly maxRssKb: number;
  /** the same before the run: a run raised the peak only when maxRssKb > this */
  readonly rssBeforeKb: number;
  /** set when the child died (signal, time-out) during this run */
  readonly died?: string;
}

/** Shared inputs of the commands: a grey PNG for gradcam, an image folder for rank. */
export interface Workbench {
  readonly dir: string;
  readonly image: string;
  readonly data: string;
}

/** The CLI invocations of a case, its files written under `bench.dir/<case>`. */
export function invocations(c: ModelCase, bench: Workbench, only?: readonly HostileCommand[]): HostileRun[] {
  const caseDir = join(bench.dir, c.name);
  mkdirSync(caseDir, { recursive: true });
  const model = c.write(caseDir);
  const tensor = c.tensor ?? 'act';
  const commands = (only ?? c.commands ?? HOSTILE_COMMANDS).filter((k) => !c.commands || c.commands.includes(k));
  return commands.map((command) => {
    const out = join(bench.dir, `${c.name}.out`, command);
    const argv: Record<HostileCommand, string[]> = {
      analyze: ['analyze', model, '--table', 'cuts'],
      cut: ['cut', model, '--at', tensor, '-o', out],
      gradcam: ['gradcam', model, bench.image, '--layer', tensor, '-o', join(out, 'cam.png')],
      rank: ['rank', model, '--data', bench.data, '--images', '4', '--batch', '2', '--plot', join(out, 'rank.svg')],
      profile: ['profile', model, '--warmup', '0', '--repeats', '1', '--measure-cuts', '0', '-o', join(out, 'device.json')],
    };
    const expect = c.expect[command] ?? c.expect.all ?? { codes: [0] };
    return { id: `${c.name}/${command}`, model, what: c.what, command, argv: argv[command], out, expect };
  });
}

/** Runs `runs` in child processes (`children` of them, each a share of the runs, at most 2 at once). */
export async function runInChildren(runs: readonly HostileRun[], options: { dir: string; children: number; timeoutMs: number; maxOldSpaceMb: number }): Promise<RunResult[]> {
  const shares = Array.from({ length: options.children }, (_, k) => runs.filter((_, i) => i % options.children === k)).filter((s) => s.length);
  const results: RunResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < shares.length) {
      const k = next++;
      results.push(...(await runShare(shares[k]!, join(options.dir, `runs-${k}.json`), options)));
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function runShare(share: readonly HostileRun[], file: string, options: { timeoutMs: number; maxOldSpaceMb: number }): Promise<RunResult[]> {
  writeFileSync(file, JSON.stringify(share.map((r) => ({ id: r.id, argv: r.argv }))));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${options.maxOldSpaceMb}`, CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CLEAVE_ORT_LOG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const done = new Map<string, { code: number; stderr: string; ms: number; maxRssKb: number; rssBeforeKb: number }>();
      let before = 0;
      for (const line of stdout.split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as { id: string; code: number; stderr: string; ms: number; maxRssKb: number };
        done.set(r.id, { ...r, rssBeforeKb: before });
        before = r.maxRssKb;
      }
      const started = [...stderr.matchAll(/^start (.*)$/gm)].map((m) => m[1]);
      const last = started[started.length - 1];
      resolve(share.map((run) => {
        const r = done.get(run.id);
        if (r) return { run, code: r.code, stderr: r.stderr, ms: r.ms, maxRssKb: r.maxRssKb, rssBeforeKb: r.rssBeforeKb };
        const died = run.id === last ? `child ended by ${signal ?? `exit ${code}`} during this run${signal === 'SIGKILL' ? ` (time-out ${options.timeoutMs} ms?)` : ''}: ${stderr.split('\n').filter((l) => !l.startsWith('start ')).slice(-3).join(' | ')}` : 'not run: the child died before';
        return { run, stderr: '', ms: 0, maxRssKb: 0, rssBeforeKb: 0, died };
      }));
    });
  });
}

/** Files a command left in its output folder. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/**
 * What is wrong with a result, or undefined: an exit code outside its expectation (never 1,
 * "internal error"), a message it lacks, a failure without cleave's own message, ORT's log on stderr,
 * a temporary or partial file left behind, an output that does not decode.
 */
export function problemOf(r: RunResult, limits: { readonly ms: number; readonly rssKb: number }): string | undefined {
  const { run } = r;
  if (r.died) return r.died;
  if (r.code === undefined || !run.expect.codes.includes(r.code)) return `exit ${r.code}, expected ${run.expect.codes.join(' or ')}: ${r.stderr.trim()}`;
  if (r.code !== 0 && run.expect.message && !run.expect.message.test(r.stderr)) return `message "${r.stderr.trim()}" lacks ${run.expect.message}`;
  // A failure says why on stderr, each line cleave's (analyze lists every node it refuses).
  if (r.code !== 0 && (!r.stderr.trim() || r.stderr.trim().split('\n').some((l) => !l.startsWith('cleave')))) return `stderr not cleave's own lines: ${r.stderr}`;
  if (/\x1b\[|onnxruntime_src|please report/.test(r.stderr)) return `ORT's log or an internal error on stderr: ${r.stderr}`;
  if (r.ms > limits.ms) return `took ${r.ms.toFixed(0)} ms, over ${limits.ms}`;
  if (r.maxRssKb > limits.rssKb && r.maxRssKb > r.rssBeforeKb) return `peak RSS ${r.maxRssKb} KB, over ${limits.rssKb}`;
  const files = filesUnder(run.out);
  if (files.some((f) => f.endsWith('.tmp'))) return `a temporary file was left: ${files.join(', ')}`;
  if (r.code !== 0 && files.length) return `failed but wrote ${files.join(', ')}`;
  if (r.code === 0 && run.command === 'cut') {
    for (const f of ['head.onnx', 'tail.onnx']) {
      try {
        decodeModel(readFileSync(join(run.out, f)), f);
      } catch (e) {
        return `${f} does not decode: ${(e as Error).message}`;
      }
    }
  }
  return undefined;
}
