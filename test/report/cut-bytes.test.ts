import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanEntry } from '../../src/qos/plan-file.js';
import { cutBytesAlongNetwork, cutBytesInPlan } from '../../src/report/cut-bytes.js';
import { cutLabel } from '../../src/report/plan-labels.js';
import { lenetPlanDocument } from '../../test-support/qos/plan-doc.js';
import { lenet } from '../../test-support/qos/specs.js';

const doc = lenetPlanDocument();
assert.ok(doc);
const entries = [doc.recommended, ...doc.front, ...doc.misses, ...Object.values(doc.scenarios)].filter((e): e is PlanEntry => e !== null);

describe('cutBytesAlongNetwork', () => {
  const rows = cutBytesAlongNetwork(doc, lenet().analysis);
  const by = new Map(rows.map((r) => [r.label, r]));

  it('lists remote, then every cut of LeNet in the network order, with the float32 bytes that cross', () => {
    assert.equal(rows[0]?.label, '(remote)');
    assert.deepEqual(rows.slice(1).map((r) => r.label), lenet().analysis.cutPoints.map((c) => c.tensors.join('+')));
    // LeNet-5 on 28 x 28 digits: 1x28x28 in, conv1 6x28x28, pool1 6x14x14, pool2 16x5x5, fc1 120, fc2 84; 4 bytes each.
    assert.equal(by.get('(remote)')?.rawBytes, 28 * 28 * 4);
    assert.equal(by.get('conv1')?.rawBytes, 6 * 28 * 28 * 4);
    assert.equal(by.get('pool1')?.rawBytes, 6 * 14 * 14 * 4);
    assert.equal(by.get('pool2')?.rawBytes, 16 * 5 * 5 * 4);
    assert.equal(by.get('fc1')?.rawBytes, 120 * 4);
    assert.equal(by.get('fc2')?.rawBytes, 84 * 4);
    assert.ok(!by.has('(local)'));
  });

  it("beside each cut, the fewest encoded bytes any of the plan's configurations sends there, and its codec", () => {
    for (const r of rows) {
      const here = entries.filter((e) => cutLabel(e) === r.label);
      if (here.length === 0) {
        assert.deepEqual([r.planBytes, r.planCodec], [null, null]);
        continue;
      }
      const least = Math.min(...here.map((e) => e.breakdown.payloadBytes ?? Infinity));
      assert.equal(r.planBytes, least);
      assert.ok(here.some((e) => e.codec === r.planCodec && e.breakdown.payloadBytes === least));
      assert.ok((r.planBytes ?? Infinity) <= (r.rawBytes ?? 0), `${r.label}: a codec sends no more than float32`);
    }
    assert.equal(rows.filter((r) => r.recommended).length, doc.recommended.placement === 'local' ? 0 : 1);
    assert.ok(rows.filter((r) => r.onFront).every((r) => doc.front.some((e) => cutLabel(e) === r.label)));
  });
});

describe('cutBytesInPlan', () => {
  it('without the model: the cuts the plan uses, once each, no local, no float32 figure', () => {
    const rows = cutBytesInPlan(doc);
    const used = new Set(entries.filter((e) => e.placement !== 'local').map(cutLabel));
    assert.deepEqual(new Set(rows.map((r) => r.label)), used);
    assert.equal(rows.length, used.size);
    assert.ok(rows.every((r) => r.rawBytes === null && r.planBytes !== null));
  });
});
