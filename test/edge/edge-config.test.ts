import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseEdgeConfig } from '../../src/edge/edge-config.js';
import { loadEdgeConfig } from '../../src/edge/node-edge-config.js';
import { BadRequestError, IoError } from '../../src/errors.js';
import { BadFieldError } from '../../src/exits/fields.js';
import { TWO_CUT_CONFIG } from '../../test-support/edge/fake-split.js';

const DELETE = Symbol('delete');

/** The config with the field at `path` (dots between keys and indices) set to `value`, or deleted. */
function variant(path: string, value: unknown, base: unknown = TWO_CUT_CONFIG): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === DELETE) delete o[last];
  else o[last] = value;
  return copy;
}

function rejects(config: unknown, field: string, message: RegExp): void {
  assert.throws(() => parseEdgeConfig(config), (e: unknown) => {
    assert.ok(e instanceof BadFieldError, `not a BadFieldError: ${String(e)}`);
    assert.equal(e.code, 'BAD_REQUEST');
    assert.equal(e.field, field, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('edge config', () => {
  it('a valid config: the POPEX problem, each cut with the exits of its head, the settings', () => {
    const c = parseEdgeConfig(TWO_CUT_CONFIG);
    assert.equal(c.policy, 'max-softmax');
    assert.equal(c.initialCut, 'block1');
    assert.deepEqual(c.cuts.map((x) => [x.after, x.model, x.exits.map((e) => [e.output, e.threshold, e.index])]), [
      ['block1', 'tail-block1', [['exit_0_logits', 0.9, 0]]],
      ['block2', 'tail-block2', [['exit_0_logits', 0.9, 0], ['exit_1_logits', 0.9, 1]]],
    ]);
    assert.deepEqual(c.switching, { hysteresis: 0.2, dwell: 3 });
    assert.deepEqual(c.rate, { rttMs: 0, window: 5, minSamples: 3 });
    assert.deepEqual(c.problem.exitAt, [1, 2]);
  });

  it('the initial cut: switching.initialCut, else the best at uplinkMbps, else the first cut', () => {
    const at = (mbps?: number) => {
      const reversed = variant('cuts', [...TWO_CUT_CONFIG.cuts].reverse(), variant('switching.initialCut', DELETE));
      return parseEdgeConfig(variant('uplinkMbps', mbps === undefined ? DELETE : mbps, reversed)).initialCut;
    };
    assert.equal(at(3), 'block2');
    assert.equal(at(300), 'block1');
    assert.equal(at(), 'block2', 'the first cut listed');
  });

  it('the entropy policy takes thresholds in nats, above 1 too', () => {
    const c = parseEdgeConfig(variant('policy', 'entropy', variant('exits.0.threshold', 1.5)));
    assert.equal(c.exits[0]?.threshold, 1.5);
  });

  it('bad fields: one error naming the field', () => {
    rejects(variant('version', DELETE), 'version', /is missing/);
    rejects(variant('version', 2), 'version', /must be 1/);
    rejects(variant('cut', 'block1'), 'cut', /unknown field/);
    rejects(variant('policy', 'softmax'), 'policy', /max-softmax, entropy/);
    rejects(variant('exits.0.threshold', 1.5), 'exits[0].threshold', /<= 1/);
    rejects(variant('exits.1.output', 'exit_0_logits'), 'exits[1].output', /listed twice/);
    rejects(variant('exits', [...(TWO_CUT_CONFIG.exits ?? [])].reverse()), 'exits[0].after', /order of depth/);
    rejects(variant('exits.1.after', 'block9'), 'exits[1].after', /names no layer/);
    rejects(variant('exits.0.exitProbability', 1.2), 'exits[0].exitProbability', /<= 1/);
    rejects(variant('layers.1.edgeMs', -1), 'layers[1].edgeMs', />= 0/);
    rejects(variant('cuts.0.after', 'classifier'), 'cuts[0].after', /last layer/);
    rejects(variant('cuts.1.after', 'block1'), 'cuts[1].after', /listed twice/);
    rejects(variant('cuts.0.model', DELETE), 'cuts[0].model', /is missing/);
    rejects(variant('cuts', []), 'cuts', /at least 1/);
    rejects(variant('switching.initialCut', 'classifier'), 'switching.initialCut', /not one of the cuts/);
    rejects(variant('switching.window', 0), 'switching.window', />= 1/);
    rejects(variant('switching.dwell', 1.5), 'switching.dwell', /integer/);
    rejects('{}', '(top level)', /JSON object/);
  });

  it('the example in docs/serving-and-edge.md is a valid config, its boundary the one the page states', () => {
    const doc = readFileSync(new URL('../../../docs/serving-and-edge.md', import.meta.url), 'utf8');
    const json = doc.split('```json')[1]?.split('```')[0]!;
    const c = parseEdgeConfig(JSON.parse(json));
    assert.deepEqual(c.table.bands.map((b) => b.cut), ['block2', 'block1']);
    assert.equal(c.table.bands[0]!.toMbps.toFixed(1), '6.0');
    assert.match(doc, /boundary between the two cuts at 6\.0 Mbit\/s/);
  });

  it('loadEdgeConfig: a missing head file or a file that is not JSON, said so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-edge-config-'));
    try {
      const path = join(dir, 'edge.json');
      writeFileSync(path, JSON.stringify(TWO_CUT_CONFIG));
      await assert.rejects(loadEdgeConfig(path), (e: unknown) => e instanceof IoError && e.message.includes(join(dir, 'block1', 'head.onnx')));
      writeFileSync(path, '{"version": 1,');
      await assert.rejects(loadEdgeConfig(path), (e: unknown) => e instanceof BadRequestError && /is not JSON/.test(e.message));
      await assert.rejects(loadEdgeConfig(join(dir, 'none.json')), IoError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
