import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { argmaxRows } from '../../src/edge/client.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import type { EdgeTensor } from '../../src/edge/runtime.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { serveModels } from '../../src/serve/serve-models.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { launchChromium } from '../../test-support/serve/browser.js';
import { splitNet } from '../../test-support/serve/split-net.js';

interface PageResult { label: number; origin: string; bytesSent: number; cutBytes: number; codec: string; scores: number[]; timing: { totalMs: number } }

describe('browser page', () => {
  it('runs the head in headless Chromium and the tail on cleave serve; answers match the whole model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-page-'));
    writeModel(join(dir, 'head.onnx'), splitNet('head'));
    writeModel(join(dir, 'tail.onnx'), splitNet('tail'));
    writeModel(join(dir, 'full.onnx'), splitNet('full'));
    const samples = loadDataset('mnist', 'test', { limit: 8 });
    const full = await loadRunner(splitNet('full'));
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
        const got = await page.evaluate(([i, c]) => (window as unknown as { cleave: { classifySample(i: number, c: string): Promise<unknown> } }).cleave.classifySample(i as number, c as string), [index, 'fp32']) as PageResult;
        const want = (await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(index * 784, (index + 1) * 784) } })).logits as EdgeTensor;
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
      const local = await page.evaluate(([i, c]) => (window as unknown as { cleave: { classifySample(i: number, c: string, offline: boolean): Promise<unknown> } }).cleave.classifySample(i as number, c as string, true), [6, 'fp32']) as PageResult;
      const want6 = (await full.run({ x: { dtype: 'float32', dims: [1, 1, 28, 28], data: batch.x.slice(6 * 784, 7 * 784) } })).logits as EdgeTensor;
      assert.equal(local.origin, 'local-full');
      assert.equal(local.label, argmaxRows(want6)[0]);
      assert.match(await page.textContent('#origin') ?? '', /^local-full \(request failed: link down \(simulated in the page\)\)$/);
      assert.deepEqual(external, [], 'the page fetched nothing from outside the server (no CDN)');
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /cleave_inference_requests_total\{model="tail",status="200"\} 3/);
    } finally {
      await chrome?.close();
      await server.close();
      await full.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
