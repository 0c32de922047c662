import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rankCommand } from '../../src/cli/rank.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { writeImageFolder } from '../../test-support/isplit/folder.js';
import { tinyIsplitModel } from '../../test-support/isplit/tiny.js';

function capture(): { io: { stdout: (s: string) => void; stderr: (s: string) => void }; out: () => string } {
  let text = '';
  return { io: { stdout: (s) => { text += s; }, stderr: () => {} }, out: () => text };
}

describe('cleave rank', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-rank-'));
  const model = join(dir, 'tiny.onnx');
  writeModel(model, tinyIsplitModel());
  // 2x2 grey images: "a" dark, "b" bright; the tiny model takes [N, 1, 2, 2].
  const data = writeImageFolder({ a: [10, 20, 30], b: [200, 220, 240] }, 2);

  it('prints the table with bytes, S(l), ranks and the marked maxima', async () => {
    const c = capture();
    assert.equal(await rankCommand.run([model, '--data', data, '--batch', '2'], c.io), 0);
    const text = c.out();
    assert.match(text, /all classes \(6 images\)/);
    assert.match(text, /#\s+cut\s+shape\s+bytes\s+bytes rank\s+S\(l\)\s+log S\s+S rank/);
    assert.match(text, /\n\s*1\s+A\s+\[2x2x2\]\s+32\s+1\.5\s/);
    // Uniform images: y1 = x11 = x wins; at A the map is x / 8 everywhere, at flat y1 / 8 = x / 8:
    // both S equal mean(x) / 8 = (10+20+30+200+220+240) / 255 / 6 / 8; the plateau's first cut is reported.
    assert.match(text, /5\.882e-2\s+-2\.833\s+1\.5\s+local max <- recommended \(fewest bytes\)/);
    assert.match(text, /candidates \(local maxima of log S\): A; recommended: A; bytes-only baseline: A/);
  });

  it('writes JSON per class and the plot', async () => {
    const c = capture();
    const plot = join(dir, 'rank.svg');
    assert.equal(await rankCommand.run([model, '--data', data, '--per-class', '--json', '--plot', plot, '--batch', '4'], c.io), 0);
    const j = JSON.parse(c.out()) as { ranking: { cuts: { tensor: string; score: number }[]; classes: number[] }; perClass: { class: number; ranking: { images: number } }[]; bestCutDiffersBetweenClasses: boolean };
    assert.deepEqual(j.ranking.cuts.map((x) => x.tensor), ['A', 'flat']);
    assert.deepEqual(j.ranking.classes, [0, 1]);
    assert.deepEqual(j.perClass.map((p) => [p.class, p.ranking.images]), [[0, 3], [1, 3]]);
    assert.equal(typeof j.bestCutDiffersBetweenClasses, 'boolean');
    assert.ok(existsSync(plot));
    assert.match(readFileSync(plot, 'utf8'), /^<svg/);
  });

  it('ranks a class subset and says whether the best cut differs per class', async () => {
    const c = capture();
    assert.equal(await rankCommand.run([model, '--data', data, '--classes', '1', '--per-class', '--true-class', '--images', '2', '--batch', '2'], c.io), 0);
    assert.match(c.out(), /classes 1 \(b\) \(2 images\)/);
    assert.match(c.out(), /best cut per class: 1: /);
    assert.match(c.out(), /every class has the same best cut|the best cut differs between classes/);
    const spatial = capture();
    assert.equal(await rankCommand.run([model, '--data', data, '--spatial-only', '--batch', '2'], spatial.io), 0);
    assert.ok(!/\bflat\b/.test(spatial.out()), 'a dense cut listed with --spatial-only');
  });

  it('--mean/--std normalise the pixels first: S scales with the input of this linear model', async () => {
    const c = capture();
    // x / 0.5 doubles every activation, so S(A) = 2 mean(x) / 8 (the default run gives 5.882e-2).
    assert.equal(await rankCommand.run([model, '--data', data, '--batch', '2', '--std', '0.5'], c.io), 0);
    assert.match(c.out(), /\n\s*1\s+A\s+\[2x2x2\]\s+32\s+1\.5\s+1\.176e-1\s/);
    // Subtracting 0.5 shifts every pixel (the dark images go negative), so S(A) is not the default's.
    const m = capture();
    assert.equal(await rankCommand.run([model, '--data', data, '--batch', '2', '--mean', '0.5', '--json'], m.io), 0);
    const score = (JSON.parse(m.out()) as { ranking: { cuts: { tensor: string; score: number }[] } }).ranking.cuts.find((x) => x.tensor === 'A')?.score;
    assert.ok(score !== undefined && Math.abs(score - 5.882e-2) > 1e-3, `S(A) with --mean 0.5 is ${score}`);
    await assert.rejects(rankCommand.run([model, '--data', data, '--std', '0'], c.io), /--std must be numbers separated by commas, each a positive number, got "0"/);
    await assert.rejects(rankCommand.run([model, '--data', data, '--mean', '0.5,x'], c.io), /--mean must be numbers separated by commas, got "0.5,x"/);
  });

  it('has help and refuses bad arguments', async () => {
    const c = capture();
    assert.equal(await rankCommand.run(['--help'], c.io), 0);
    assert.equal(c.out(), rankCommand.help);
    await assert.rejects(rankCommand.run([model], c.io), /needs --data/);
    await assert.rejects(rankCommand.run([], c.io), /one MODEL file/);
    await assert.rejects(rankCommand.run([model, '--data', data, '--classes', '5'], c.io), /--classes must be class indexes 0\.\.1/);
    await assert.rejects(rankCommand.run([model, '--data', 'mnist'], c.io), /mnist images are 1x28x28 but the model takes 1x2x2/);
    await assert.rejects(rankCommand.run([model, '--data', data, '--bogus'], c.io), /bogus/);
  });
});
