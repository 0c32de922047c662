import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { argmaxRows } from '../../src/edge/client.js';
import { exitConfidence } from '../../src/edge/exit-decision.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import { insertExits } from '../../src/exits/insert.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { serveModels } from '../../src/serve/serve-models.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { launchChromium } from '../../test-support/serve/browser.js';
import { splitNet } from '../../test-support/serve/split-net.js';

interface PageResult { label: number; origin: string; confidence: number | null; bytesSent: number; cutBytes: number; codec: string; scores: number[]; timing: { totalMs: number }; byOrigin: Record<string, number>; uplinkMbps: number | null }

type Classify = { cleave: { classifySample(i: number, c: string, offline?: boolean, tau?: number | null): Promise<unknown> } };

describe('browser page', () => {
  it('runs the head in headless Chromium and the tail on cleave serve; answers match the whole model; a confident exit answers in the browser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-page-'));
    // The split net with an early exit at its cut, cut there by cleave: the head carries the exit.
    const withExit = insertExits(splitNet('full'), { at: ['cut'] }).model;
    const parts = cutModel(analyze(graphFromModel(withExit), { batch: 1 }), ['cut']);
    writeModel(join(dir, 'head.onnx'), parts.head);
    writeModel(join(dir, 'tail.onnx'), parts.tail);
    writeModel(join(dir, 'full.onnx'), withExit);
    const samples = loadDataset('mnist', 'test', { limit: 8 });
    const full = await loadRunner(withExit);
    const { server, page: pageUrl } = await serveModels([dir], { samples });
    let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      assert.ok(pageUrl);
      chrome = await launchChromium();
      const page = await chrome.context.newPage();
      const external: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith(server.url)) external.push(r.url()); });
      await page.goto(pageUrl);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      const batch = makeBatch(samples, [0, 1, 2, 3, 4, 5, 6, 7]);
      for (const index of [0, 5]) {
        const got = await page.evaluate(([i, c]) => (window as unknown as Classify).cleave.classifySample(i as number, c as string), [index, 'fp32']) as PageResult;
        const want = (await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(index * 784, (index + 1) * 784) } })).logits!;
        assert.equal(got.origin, 'server');
        assert.equal(got.label, argmaxRows(want)[0]);
        got.scores.forEach((v, k) => assert.ok(Math.abs(v - (want.data[k] as number)) < 1e-4, `sample ${index} score ${k}: ${v} vs ${want.data[k]}`));
        assert.equal(got.cutBytes, 8 * 14 * 14 * 4);
      }
      // The buttons: pick a codec with deflate (CompressionStream in the browser) and classify.
      await page.selectOption('#codec', 'int8-channel+deflate');
      await page.click('#run');
      await page.waitForSelector('#result[data-done="3"]', { timeout: 30_000 });
      assert.equal(await page.textContent('#origin'), 'server');
      assert.match(await page.textContent('#bytes') ?? '', /B request \(\d+ B cut tensor, int8-channel\+deflate\)/);
      assert.match(await page.textContent('#split') ?? '', /head [\d.]+ ms · encode [\d.]+ ms · network \+ tail [\d.]+ ms/);
      // Link down: the page answers with the whole model in the browser, flagged as such.
      const local = await page.evaluate(([i, c]) => (window as unknown as Classify).cleave.classifySample(i as number, c as string, true), [6, 'fp32']) as PageResult;
      const want6 = (await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(6 * 784, 7 * 784) } })).logits!;
      assert.equal(local.origin, 'local-full');
      assert.equal(local.label, argmaxRows(want6)[0]);
      assert.match(await page.textContent('#origin') ?? '', /^local-full \(request failed: link down \(simulated in the page\)\)$/);
      // The exit: the sample it is surest of answers in the browser (nothing sent) at a threshold
      // between its confidence and the least sure sample's, which still goes to the server.
      const confidence: number[] = [];
      for (let i = 0; i < 8; i++) {
        const out = await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(i * 784, (i + 1) * 784) } });
        confidence.push(exitConfidence(out.exit_0_logits!, 'max-softmax')[0]!);
      }
      const surest = confidence.indexOf(Math.max(...confidence));
      const least = confidence.indexOf(Math.min(...confidence));
      const tau = (confidence[surest]! + confidence[least]!) / 2;
      const exit = await page.evaluate(([i, t]) => (window as unknown as Classify).cleave.classifySample(i!, 'fp32', false, t!), [surest, tau]) as PageResult;
      const wantExit = (await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(surest * 784, (surest + 1) * 784) } })).exit_0_logits!;
      assert.equal(exit.origin, 'exit-0');
      assert.equal(exit.bytesSent, 0);
      assert.equal(exit.label, argmaxRows(wantExit)[0]);
      assert.ok(Math.abs((exit.confidence as number) - confidence[surest]!) < 1e-5);
      exit.scores.forEach((v, k) => assert.ok(Math.abs(v - (wantExit.data[k] as number)) < 1e-4, `exit score ${k}`));
      assert.match(await page.textContent('#origin') ?? '', /^exit-0 in the browser \(confidence [\d.]+ >= [\d.]+\), nothing sent$/);
      const sent = await page.evaluate(([i, t]) => (window as unknown as Classify).cleave.classifySample(i!, 'fp32', false, t!), [least, tau]) as PageResult;
      assert.equal(sent.origin, 'server');
      // One client for the page: its counts span every click, and it measured the uplink.
      assert.deepEqual(sent.byOrigin, { server: 4, 'local-full': 1, 'exit-0': 1 });
      assert.ok((sent.uplinkMbps as number) > 0);
      assert.match(await page.textContent('#uplink') ?? '', /^[\d.]+ Mbit\/s/);
      assert.deepEqual(external, [], 'the page fetched nothing from outside the server (no CDN)');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /cleave_inference_requests_total\{model="tail",status="200"\} 4/);
    } finally {
      await chrome?.close();
      await server.close();
      await full.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
