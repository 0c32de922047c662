import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { parsePlan, type PlanDocument } from '../../src/qos/plan-file.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { LENET_PATH } from '../../test-support/qos/specs.js';

interface Summary {
  report: string;
  bytes: number;
  front: number;
  saliency: { source: string; cuts: number } | null;
  thumbnails: { layers: string[]; images: number } | null;
  cutBytes: { cuts: number; networkOrder: boolean };
}

const dir = mkdtempSync(join(tmpdir(), 'cleave-report-cli-'));
const model = join(dir, 'lenet.onnx');
const plan = join(dir, 'plan.json');
let doc: PlanDocument;

/** The files of the folder a failed or finished write may have left behind. */
const leftovers = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('cleave report', () => {
  before(async () => {
    copyFileSync(LENET_PATH, model);
    const r = await runCli('plan', model, '--device', 'raspberry-pi-4', '--network', '4g,wifi', '--codec', 'fp32,int8',
      '--max-latency', '80ms', '--min-accuracy', '0.9', '--simulate-max', '2', '--frames', '40', '-o', plan);
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = parsePlan(readFileSync(plan, 'utf8'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json says what was written: the file (atomically, whole), the front, the cuts in network order; no saliency without data', async () => {
    const out = join(dir, 'plain.html');
    const r = await runCli('report', plan, '-o', out, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.equal(s.report, out);
    assert.equal(s.bytes, statSync(out).size);
    assert.equal(s.front, doc.front.length);
    assert.deepEqual([s.saliency, s.thumbnails], [null, null]);
    // LeNet's single-tensor cut points (conv1 ... fc2) and the input: what `cleave plan` swept, less local.
    assert.deepEqual(s.cutBytes, { cuts: doc.sweep.cuts - 1, networkOrder: true });
    assert.deepEqual(leftovers(), []);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<\/html>\n$/, 'the file is whole');
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from elsewhere');
    assert.match(html, /Absent: no saliency scores: give --model and --data/);
    const front = /<table id="front-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    assert.equal(front.match(/<tr>/g)?.length, doc.front.length + 1, 'a header row and a row per front member');
  });

  it('--data: the I-SPLIT curve and Grad-CAM thumbnails, and a line of text without --json', async () => {
    const out = join(dir, 'data.html');
    const r = await runCli('report', plan, '-o', out, '--data', 'mnist', '--images', '16', '--thumbnails', '1', '--cam-layers', '2', '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.match(s.saliency?.source ?? '', /over 16 images of mnist/);
    assert.equal(s.saliency?.cuts, doc.sweep.cuts - 2, 'every single-tensor cut but the input');
    assert.deepEqual([s.thumbnails?.images, s.thumbnails?.layers.length], [1, 2]);
    const html = readFileSync(out, 'utf8');
    // One picture and one overlay per layer, as PNG data URLs.
    assert.equal(html.match(/<img src="data:image\/png;base64,/g)?.length, 3);
    const text = await runCli('report', plan, '-o', out, '--data', 'mnist', '--images', '16', '--thumbnails', '1', '--cam-layers', '2');
    assert.equal(text.code, EXIT.OK, text.stderr);
    assert.match(text.stdout, new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KiB\\): ${doc.front.length} front configurations, \\d+ cuts in network order, saliency \\(Grad-CAM .*\\), Grad-CAM 1 images at \\S+, \\S+\n$`));
  });

  it('--rank: the curve from cleave rank --json, without images', async () => {
    const ranking = join(dir, 'rank.json');
    writeFileSync(ranking, JSON.stringify({ ranking: { cuts: [{ tensor: 'conv1', score: 0.2 }, { tensor: 'pool1', score: 0.05 }, { tensor: 'pool2', score: 0.4 }] } }));
    const r = await runCli('report', plan, '-o', join(dir, 'rank.html'), '--rank', ranking, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.deepEqual(s.saliency, { source: `the scores of ${ranking} (cleave rank --json)`, cuts: 3 });
    assert.equal(s.thumbnails, null);
  });

  it('bad input: one clear error with its exit code, and an existing report left as it was', async () => {
    const out = join(dir, 'kept.html');
    writeFileSync(out, 'the report of yesterday');
    const kept = (): void => assert.equal(readFileSync(out, 'utf8'), 'the report of yesterday');

    const noOut = await runCli('report', plan);
    assert.equal(noOut.code, EXIT.USAGE);
    assert.match(noOut.stderr, /-o|--out/);

    const both = await runCli('report', plan, '-o', out, '--data', 'mnist', '--rank', plan);
    assert.equal(both.code, EXIT.USAGE);
    assert.match(both.stderr, /^cleave report: --rank reads a saliency curve; with --data it is computed: give one of them\n$/);
    kept();

    const broken = join(dir, 'broken.json');
    const good = JSON.parse(readFileSync(plan, 'utf8')) as { front: unknown[] };
    writeFileSync(broken, JSON.stringify({ ...good, front: 'all of them' }));
    const bad = await runCli('report', broken, '-o', out);
    assert.equal(bad.code, EXIT.BAD_PROFILE);
    assert.match(bad.stderr, /^cleave report: .*broken\.json: field "front" must be an array/);
    kept();

    const badRank = join(dir, 'bad-rank.json');
    writeFileSync(badRank, '{"ranking": {}}');
    const rank = await runCli('report', plan, '-o', out, '--rank', badRank);
    assert.notEqual(rank.code, EXIT.OK);
    assert.notEqual(rank.code, EXIT.INTERNAL);
    assert.match(rank.stderr, /bad-rank\.json/);
    kept();

    const into = await runCli('report', plan, '-o', join(plan, 'report.html'));
    assert.equal(into.code, EXIT.IO);
    assert.match(into.stderr, /cannot write .*plan\.json\/report\.html/);

    // The model changed since the plan was made: its hash no longer matches.
    const changed = join(dir, 'changed.onnx');
    writeFileSync(changed, Buffer.concat([readFileSync(model), Buffer.from([0])]));
    const stale = await runCli('report', plan, '-o', out, '--model', changed);
    assert.equal(stale.code, EXIT.BAD_PROFILE);
    assert.match(stale.stderr, /field "model\.sha256" is [0-9a-f]{64}, but .*changed\.onnx hashes to [0-9a-f]{64}/);
    kept();

    // The plan's model is not here: the plan alone is reported, but --data needs the model.
    const moved = join(dir, 'moved.json');
    writeFileSync(moved, JSON.stringify({ ...good, model: { ...(good as unknown as { model: object }).model, path: join(dir, 'gone.onnx') } }));
    const data = await runCli('report', moved, '-o', out, '--data', 'mnist');
    assert.equal(data.code, EXIT.USAGE);
    assert.match(data.stderr, /--data needs the plan's model, and .*gone\.onnx is not here: give --model MODEL\.onnx/);
    kept();
    const alone = await runCli('report', moved, '-o', join(dir, 'alone.html'), '--json');
    assert.equal(alone.code, EXIT.OK, alone.stderr);
    assert.equal((JSON.parse(alone.stdout) as Summary).cutBytes.networkOrder, false);
    assert.deepEqual(leftovers(), []);
  });
});
