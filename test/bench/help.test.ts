import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** build/bench, compiled from bench/ by the same tsc run as this test. */
const BENCH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bench');

/** Every .js file under a folder. */
function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? scripts(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/**
 * The bench entry points: every bench file no other bench file imports (modules such as
 * bench/common/args.js or bench/serve/bench-net.js are imported; scripts and the children
 * the benches spawn are not).
 */
function entries(): string[] {
  const all = scripts(BENCH);
  const imported = new Set<string>();
  for (const file of all) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) imported.add(resolve(dirname(file), m[1]!));
  }
  return all.filter((f) => !imported.has(f));
}

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a script; a bench that ignores --help and starts measuring is killed after `timeoutMs`. */
function run(script: string, args: readonly string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('bench scripts', () => {
  const found = entries();
  const name = (f: string) => relative(dirname(BENCH), f);

  it('are found in every bench folder, and the shared modules are not scripts', () => {
    // Found from the files themselves, so a new bench is checked without being listed here.
    const folders = readdirSync(BENCH, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const names = found.map(name);
    for (const folder of folders.filter((f) => f !== 'common')) {
      assert.ok(names.some((n) => n.startsWith(`bench/${folder}/`)), `no script found in bench/${folder} among ${names.join(', ')}`);
    }
    assert.deepEqual(names.filter((n) => n.startsWith('bench/common/')), [], 'bench/common holds modules the benches import');
    // a child a bench spawns, and a module a bench imports
    assert.ok(names.includes('bench/train/measure.js') && !names.includes('bench/serve/bench-net.js'));
  });

  it('each prints its usage for --help and exits 0 without running the bench', async () => {
    // Two at a time: each loads onnxruntime-node; a bench that ignored --help would run on until killed.
    const failures: string[] = [];
    const queue = [...found];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const r = await run(f, ['--help']);
        // The usage line names the script itself (a copied spec would name another).
        if (r.code !== 0 || !r.stdout.startsWith(`Usage: node build/${name(f)}`)) {
          failures.push(`${name(f)} --help: exit ${r.code}, stdout ${JSON.stringify(r.stdout.slice(0, 120))}, stderr ${JSON.stringify(r.stderr.slice(0, 200))}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    assert.deepEqual(failures, [], 'every bench script answers --help before any work (benchArgs in bench/common/args.ts does)');
  });

  it('a bad value is a usage error (exit 2) naming the flag and what it accepts', async () => {
    const r = await run(join(BENCH, 'train/run.js'), ['--pairs', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--pairs must be a positive integer, got "0"/);
    const kind = await run(join(BENCH, 'analyze/deep-model.js'), ['tree', '5', 'x.onnx']);
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /the kind must be chain or dag, got "tree"/);
    const unknown = await run(join(BENCH, 'sim/run.js'), ['--fast']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--fast'/);
  });
});
