import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { loadDataset } from '../../src/data/datasets.js';
import type { PlanDocument } from '../../src/qos/plan-file.js';
import { planReport } from '../../src/report/plan-report.js';
import { launchChromium } from '../../test-support/serve/browser.js';
import { lenetPlanDocument } from '../../test-support/qos/plan-doc.js';
import { lenet } from '../../test-support/qos/specs.js';

interface Loaded {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

/** What the page exposes: its charts (Chart.js instances, only what the test reads). */
interface ChartView {
  getDatasetMeta(i: number): { data: { x: number; y: number }[] };
  chartArea: { left: number; right: number; top: number; bottom: number };
  tooltip: { body?: { lines: string[] }[]; opacity: number };
}

const dir = mkdtempSync(join(tmpdir(), 'cleave-report-'));
let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;

async function open(file: string): Promise<Loaded> {
  assert.ok(chrome);
  const page = await chrome.context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return { page, problems, requests };
}

/** The Pareto plot as drawn: points per front dataset (inside the plot area) and the marker. */
async function drawnPareto(page: Page): Promise<{ points: number; inside: boolean; marker: { x: number; y: number }[]; at: { x: number; y: number } | null }> {
  return page.evaluate(() => {
    const w = window as unknown as { cleaveReport: { charts: Record<string, ChartView>; paretoFront: number[]; paretoMarker: number } };
    const r = w.cleaveReport;
    const chart = r.charts.pareto!;
    const a = chart.chartArea;
    const elements = r.paretoFront.flatMap((i) => chart.getDatasetMeta(i).data);
    const marker = r.paretoMarker >= 0 ? chart.getDatasetMeta(r.paretoMarker).data.map((e) => ({ x: e.x, y: e.y })) : [];
    // The recommended entry's own point: the data of every front dataset carries its entry index.
    const data = (JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as { pareto: { series: { points: { entry: number }[] }[]; recommended: { entry: number } | null } }).pareto;
    let at: { x: number; y: number } | null = null;
    data.series.forEach((s, i) => s.points.forEach((p, k) => {
      const e = chart.getDatasetMeta(r.paretoFront[i]!).data[k];
      if (e && p.entry === data.recommended?.entry) at = { x: e.x, y: e.y };
    }));
    return {
      points: elements.length,
      inside: elements.every((e) => Number.isFinite(e.x) && Number.isFinite(e.y) && e.x >= a.left - 1 && e.x <= a.right + 1 && e.y >= a.top - 1 && e.y <= a.bottom + 1),
      marker,
      at,
    };
  });
}

describe('plan report in headless Chromium', () => {
  let doc: PlanDocument;
  let full: string;
  let bare: string;

  before(async () => {
    const d = lenetPlanDocument();
    assert.ok(d);
    doc = d;
    const { model } = lenet();
    const images = loadDataset('mnist', 'test', { limit: 64 });
    const withModel = await planReport(doc, { planFile: 'plan.json', model, data: { name: 'mnist', images }, scanImages: 32, thumbnails: 2, camLayers: 2 });
    full = join(dir, 'full.html');
    writeFileSync(full, withModel.html);
    const scores = new Map([['conv1', 0.2], ['pool1', 0.05], ['pool2', 0.4], ['fc1', 0.3]]);
    const planOnly = await planReport(doc, { planFile: 'plan.json', ranking: { scores, source: 'rank.json' } });
    bare = join(dir, 'bare.html');
    writeFileSync(bare, planOnly.html);
    chrome = await launchChromium();
  });

  after(async () => {
    await chrome?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console error and no request but the file; plots the whole front and the recommendation; screenshot', async () => {
    const { page, problems, requests } = await open(full);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('data:')), [pathToFileURL(full).href], 'the page fetched nothing else (no CDN, no network)');
    const drawn = await drawnPareto(page);
    assert.equal(drawn.points, doc.front.length);
    assert.ok(drawn.inside, 'every point lies in the plot area');
    assert.equal(drawn.marker.length, 1, 'the recommendation marker');
    assert.ok(drawn.at && Math.abs((drawn.marker[0]?.x ?? NaN) - drawn.at.x) < 0.5 && Math.abs((drawn.marker[0]?.y ?? NaN) - drawn.at.y) < 0.5, 'the marker rings the recommended point');
    // Hovering a front member (the one farthest from the others and from the recommendation's
    // ring) shows its whole configuration.
    const where = await page.evaluate(() => {
      const r = (window as unknown as { cleaveReport: { charts: Record<string, ChartView>; paretoFront: number[]; paretoMarker: number } }).cleaveReport;
      const chart = r.charts.pareto!;
      const data = (JSON.parse(document.getElementById('report-data')?.textContent ?? '{}') as { pareto: { series: { points: { entry: number }[] }[] } }).pareto;
      const points = data.series.flatMap((s, i) => s.points.map((p, k) => ({ entry: p.entry, ...chart.getDatasetMeta(r.paretoFront[i]!).data[k]! })));
      const ring = r.paretoMarker >= 0 ? chart.getDatasetMeta(r.paretoMarker).data : [];
      const others = (p: { x: number; y: number }) => [...points.filter((q) => q !== p), ...ring].map((q) => Math.hypot(q.x - p.x, q.y - p.y));
      const best = points.map((p) => ({ p, gap: Math.min(Infinity, ...others(p)) })).sort((a, b) => b.gap - a.gap)[0];
      return best ? { entry: best.p.entry, x: best.p.x, y: best.p.y, gap: best.gap } : null;
    });
    // Chart.js's default hover takes the nearest point(s): ours, at distance 0, alone when no other lies on it.
    assert.ok(where && where.gap > 1, 'a front member drawn apart from the others');
    const box = await page.locator('#pareto-chart').boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + where.x, box.y + where.y);
    const hover = await page.evaluate(() => {
      const t = (window as unknown as { cleaveReport: { charts: Record<string, ChartView> } }).cleaveReport.charts.pareto?.tooltip;
      return t ? t.body?.flatMap((b) => b.lines) ?? [] : [];
    });
    const entry = doc.front[where.entry];
    assert.ok(entry);
    assert.ok(hover.includes(entry.id), `the tooltip names ${entry.id}: ${hover.join(' | ')}`);
    assert.ok(hover.some((l) => l.startsWith('codec: ') && l.includes(entry.codec)) && hover.some((l) => l.startsWith('device: ') && l.includes(entry.device)));
    assert.ok(hover.some((l) => /^latency p50 .* ms, p99 .* ms/.test(l)) && hover.some((l) => /^margin /.test(l)));
    assert.equal(await page.locator('#front-table tbody tr').count(), doc.front.length);
    for (const id of ['pareto-chart', 'breakdown-chart', 'scenario-latency-chart', 'scenario-energy-chart', 'cut-bytes-chart', 'saliency-chart']) {
      const box = await page.locator(`#${id}`).boundingBox();
      assert.ok(box && box.width > 200 && box.height > 100, `${id} is drawn`);
    }
    // Grad-CAM: 2 images x (the picture + 2 layers), each decoded.
    const images = await page.locator('#gradcam img').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
    assert.equal(images.length, 2 * 3);
    assert.ok(images.every((w) => w > 0));
    assert.match(await page.textContent('header') ?? '', new RegExp(doc.model.sha256));
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = readFileSync(shot);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 20_000);
    await page.close();
  });

  it('without the model: the plan alone, the curve from a ranking, the thumbnails said to be absent', async () => {
    const { page, problems, requests } = await open(bare);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('data:')), [pathToFileURL(bare).href]);
    assert.equal((await drawnPareto(page)).points, doc.front.length);
    assert.equal(await page.locator('#cut-bytes-chart').count(), 0);
    assert.ok(await page.locator('#cut-bytes-table').count() === 1);
    assert.equal(await page.locator('#saliency-table tbody tr').count(), 4);
    assert.match(await page.textContent('#gradcam') ?? '', /Absent: no held-out images: give --model and --data/);
    await page.close();
  });
});
