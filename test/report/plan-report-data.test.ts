import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanDocument, PlanEntry } from '../../src/qos/plan-file.js';
import { cutLabel, entryLabeller } from '../../src/report/plan-labels.js';
import { breakdownRows, bytesRadius, cutColour, LATENCY_PARTS, paretoData, scenarioChart } from '../../src/report/plan-report-data.js';
import { lenetPlanDocument } from '../../test-support/qos/plan-doc.js';

function lenetPlan(requirements?: Parameters<typeof lenetPlanDocument>[0]): PlanDocument {
  const doc = lenetPlanDocument(requirements);
  assert.ok(doc);
  return doc;
}

/** The plan with front member `i` changed by `edit`. */
function withFront(doc: PlanDocument, i: number, edit: (e: PlanEntry) => PlanEntry): PlanDocument {
  return { ...doc, front: doc.front.map((e, k) => (k === i ? edit(e) : e)) };
}

describe('paretoData', () => {
  const doc = lenetPlan();

  it('plots every front member once, in the series of its cut, at (p50 latency, accuracy)', () => {
    const p = paretoData(doc);
    const points = p.series.flatMap((s) => s.points);
    assert.equal(points.length, doc.front.length);
    assert.deepEqual(points.map((q) => q.entry).sort((a, b) => a - b), doc.front.map((_, i) => i));
    for (const s of p.series) {
      assert.ok(s.points.length > 0, `series ${s.label} is empty`);
      for (const q of s.points) {
        const e = doc.front[q.entry]!;
        assert.equal(cutLabel(e), s.label);
        assert.equal(q.x, e.objectives.latencyMs);
        assert.equal(q.y, e.objectives.accuracy);
        assert.equal(q.feasible, e.feasible);
        assert.equal(q.unbounded, false);
      }
    }
    assert.equal(new Set(p.series.map((s) => s.label)).size, p.series.length);
    assert.equal(new Set(p.series.map((s) => s.colour)).size, p.series.length);
    assert.equal(p.hover.length, doc.front.length);
    p.hover.forEach((lines, i) => assert.equal(lines[0], doc.front[i]?.id));
  });

  it('marks the recommendation at its own figures and draws the latency and accuracy requirements', () => {
    const p = paretoData(doc);
    const at = doc.front.findIndex((e) => e.id === doc.recommended.id);
    assert.ok(at >= 0);
    assert.deepEqual({ x: p.recommended?.x, y: p.recommended?.y, entry: p.recommended?.entry }, { x: doc.recommended.objectives.latencyMs, y: doc.recommended.objectives.accuracy, entry: at });
    assert.deepEqual(p.lines.map((l) => [l.axis, l.value]), [['x', 80], ['y', 0.95]]);
    assert.match(p.yTitle, /\(predicted\)/);
    assert.equal(p.recommendedHover[0], doc.recommended.id);
  });

  it('takes the p99 when the requirement bounds it', () => {
    const p99 = lenetPlan({ maxLatencyMs: 200, latencyPercentile: 'p99' });
    const p = paretoData(p99);
    for (const q of p.series.flatMap((s) => s.points)) assert.equal(q.x, p99.front[q.entry]?.objectives.p99Ms);
    assert.match(p.xTitle, /^p99 latency/);
    assert.deepEqual(p.lines.map((l) => l.label), ['p99 ≤ 200 ms']);
  });

  it('puts an unbounded latency past every finite one, flagged, and keeps it in the count', () => {
    const broken = withFront(doc, 1, (e) => ({ ...e, objectives: { ...e.objectives, latencyMs: null } }));
    const p = paretoData(broken);
    const points = p.series.flatMap((s) => s.points);
    assert.equal(points.length, broken.front.length);
    const far = points.find((q) => q.entry === 1);
    assert.ok(far?.unbounded);
    assert.ok(points.filter((q) => q.entry !== 1).every((q) => q.x < far.x));
    assert.ok(p.unbounded);
  });

  it('sizes points by bytes: 4 px for nothing, 14 px for the most, growing in between', () => {
    assert.equal(bytesRadius(0, 1000), 4);
    assert.equal(bytesRadius(1000, 1000), 14);
    assert.equal(bytesRadius(5, 0), 4);
    const sizes = [1, 10, 100, 999].map((b) => bytesRadius(b, 1000));
    sizes.forEach((r, i) => assert.ok(r > 4 && r < 14 && (i === 0 || r > sizes[i - 1]!)));
    const p = paretoData(doc);
    for (const q of p.series.flatMap((s) => s.points)) {
      for (const w of p.series.flatMap((s) => s.points)) {
        const [bq, bw] = [doc.front[q.entry]?.objectives.bytes ?? 0, doc.front[w.entry]?.objectives.bytes ?? 0];
        if (bq < bw) assert.ok(q.r < w.r, `${bq} B drawn no smaller than ${bw} B`);
      }
    }
  });

  it('gives distinct #rrggbb colours to many cuts', () => {
    const colours = Array.from({ length: 60 }, (_, i) => cutColour(i));
    for (const c of colours) assert.match(c, /^#[0-9a-f]{6}$/);
    assert.equal(new Set(colours).size, colours.length);
  });
});

describe('breakdownRows', () => {
  const doc = lenetPlan();

  it('the parts of an analytic configuration without exits add up to its p50 latency', () => {
    const rows = breakdownRows(doc, 100);
    const analytic = rows.filter((r) => r.latencySource === 'analytic');
    assert.ok(analytic.length >= 3, 'the fixture plan simulates only two front members');
    for (const r of analytic) {
      const e = [doc.recommended, ...doc.front].find((x) => x.id === r.id)!;
      assert.equal(e.exits.length, 0);
      assert.ok(r.sentMs !== null && r.latencyMs !== null);
      // The sweep sums head + exits + encode + uplink wait + transfer + server wait + tail itself.
      assert.ok(Math.abs(r.sentMs - r.latencyMs) <= 1e-9 * r.latencyMs, `${r.id}: parts ${r.sentMs} vs p50 ${r.latencyMs}`);
      assert.deepEqual(r.parts, LATENCY_PARTS.map((p) => e.breakdown[p.key]));
    }
  });

  it('puts the recommendation first, once, then the front by margin, at most max rows', () => {
    const rows = breakdownRows(doc, 4);
    assert.equal(rows.length, Math.min(4, doc.front.length));
    assert.equal(rows[0]?.id, doc.recommended.id);
    assert.ok(rows[0]?.recommended && rows[0].label.startsWith('★ '));
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
    assert.deepEqual(rows.slice(1).map((r) => r.id), doc.front.filter((e) => e.id !== doc.recommended.id).slice(0, 3).map((e) => e.id));
  });

  it('an unbounded queue makes the sum unbounded', () => {
    const e = doc.front[0]!;
    const broken = { ...doc, recommended: { ...e, breakdown: { ...e.breakdown, serverQueueMs: null } } };
    assert.equal(breakdownRows(broken, 1)[0]?.sentMs, null);
  });

  it('labels say only what differs between the plan\'s configurations', () => {
    const label = entryLabeller(doc);
    const remote = doc.front.find((e) => e.placement === 'remote');
    assert.ok(remote);
    assert.ok(!label(remote).includes('raspberry-pi-4'), 'one device: not repeated');
    assert.ok(label(remote).includes(remote.network), 'two networks: named');
    const local = [doc.recommended, ...doc.front, ...Object.values(doc.scenarios)].find((e) => e?.placement === 'local');
    if (local) assert.equal(label(local), '(local)');
  });
});

describe('scenarioChart', () => {
  it('one bar per scenario, null where the plan has none', () => {
    const doc = lenetPlan();
    const c = scenarioChart(doc);
    assert.deepEqual(c.labels, ['local computing', 'remote computing', 'split computing', 'early exit']);
    assert.equal(doc.scenarios.earlyExit, null);
    assert.deepEqual([c.p50[3], c.energy[3], c.meets[3]], [null, null, null]);
    assert.equal(c.p50[1], doc.scenarios.remote?.objectives.latencyMs);
    assert.equal(c.energy[0], doc.scenarios.local?.objectives.energyMj);
  });
});
