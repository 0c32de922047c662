import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { craftedCases, writeImageFolder } from '../../test-support/hostile/onnx-cases.js';
import { mutatedCases } from '../../test-support/hostile/onnx-mutate.js';
import { invocations, problemOf, type RunResult, runInChildren, type Workbench } from '../../test-support/hostile/onnx-run.js';

/**
 * The hostile-model suite: crafted ONNX files (every model-side case of issue 14) and seeded
 * random mutations of builder models and a torch.onnx export, run through analyze, cut,
 * gradcam, rank and profile by the CLI in child processes. Every run must end in success or a
 * documented exit code with a one-line message, within time and memory limits, with nothing
 * half-written. `npm test` runs a small budget; CLEAVE_FUZZ=long runs hundreds of mutations
 * (CLEAVE_FUZZ_SEED picks another seed), CLEAVE_FUZZ_TABLE=FILE writes the outcome table.
 */
const LONG = process.env.CLEAVE_FUZZ === 'long';
const SEED = Number(process.env.CLEAVE_FUZZ_SEED ?? 1);
const MUTANTS = LONG ? 400 : 12;
const LIMITS = { ms: 60_000, rssKb: 1_500_000 };

function grey(): Buffer {
  const png = new PNG({ width: 8, height: 8 });
  for (let p = 0; p < 64; p++) png.data.set([p * 4, p * 4, p * 4, 255], p * 4);
  return PNG.sync.write(png);
}

/** The docs table: one row per case, the outcome of each command. */
function table(results: readonly RunResult[]): string {
  const byCase = new Map<string, RunResult[]>();
  for (const r of results) {
    const key = r.run.id.slice(0, r.run.id.lastIndexOf('/'));
    byCase.set(key, [...(byCase.get(key) ?? []), r]);
  }
  const commands = ['analyze', 'cut', 'gradcam', 'rank', 'profile'];
  const rows = [...byCase].map(([name, rs]) => `| ${name} | ${rs[0]?.run.what.replace(/\|/g, '/')} | ${commands.map((c) => { const r = rs.find((x) => x.run.command === c); return r ? (r.died ? 'died' : String(r.code)) : ''; }).join(' | ')} |`);
  return [`| case | what | ${commands.join(' | ')} |`, `|---|---|${commands.map(() => '---:').join('|')}|`, ...rows].join('\n');
}

describe(`hostile model files (${LONG ? 'long' : 'short'} budget, seed ${SEED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every crafted case and every mutation ends in success or its documented exit code, in time and memory, leaving no partial file', async () => {
    const bench: Workbench = { dir, image: join(dir, 'grey.png'), data: join(dir, 'images') };
    writeFileSync(bench.image, grey());
    writeImageFolder(bench.data);
    const cases = [...craftedCases(LONG ? 1500 : 300), ...mutatedCases(SEED, MUTANTS)];
    const runs = cases.flatMap((c) => invocations(c, bench));
    const order = new Map(runs.map((r, i) => [r.id, i]));
    const results = (await runInChildren(runs, { dir, children: LONG ? 16 : 2, timeoutMs: LONG ? 1_800_000 : 300_000, maxOldSpaceMb: 1024 }))
      .sort((a, b) => order.get(a.run.id)! - order.get(b.run.id)!);
    if (process.env.CLEAVE_FUZZ_TABLE) writeFileSync(process.env.CLEAVE_FUZZ_TABLE, `${table(results)}\n`);
    const problems = results.flatMap((r) => { const p = problemOf(r, LIMITS); return p ? [`${r.run.id} (${r.run.what}): ${p}`] : []; });
    assert.deepEqual(problems, []);
    assert.equal(results.length, runs.length);
  });
});
