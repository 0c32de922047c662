import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BadProfileError } from '../../src/errors.js';
import { validate, type JsonSchema } from '../../src/qos/json-schema.js';
import { checkPlanModel, configurationOfEntry, parsePlan, planJson } from '../../src/qos/plan-file.js';
import { PLAN_SCHEMA } from '../../src/qos/plan-schema.js';
import { lenetPlanDocument } from '../../test-support/qos/plan-doc.js';

const SCHEMA_FILE = new URL('../../../schemas/plan.schema.json', import.meta.url);

/** A deep copy of the plan with `edit` applied, as text. */
function edited(edit: (p: Record<string, unknown> & { front: Record<string, unknown>[]; recommended: Record<string, unknown> }) => void): string {
  const doc = lenetPlanDocument();
  assert.ok(doc);
  const copy = JSON.parse(planJson(doc)) as Record<string, unknown> & { front: Record<string, unknown>[]; recommended: Record<string, unknown> };
  edit(copy);
  return JSON.stringify(copy);
}

const rejects = (text: string, message: RegExp): void => {
  assert.throws(() => parsePlan(text, 'plan.json'), (e: unknown) => e instanceof BadProfileError && message.test(e.message) && !e.message.includes('\n'), message.source);
};

describe('plan.json', () => {
  it('schemas/plan.schema.json is PLAN_SCHEMA written out', () => {
    assert.deepEqual(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')), PLAN_SCHEMA);
  });

  it('round-trips: written, read back through the validator, equal; unbounded figures are null and come back as Infinity', () => {
    const doc = lenetPlanDocument({ maxLatencyMs: 80, minAccuracy: 0.95 });
    assert.ok(doc);
    const text = planJson(doc);
    const back = parsePlan(text);
    assert.deepEqual(back, JSON.parse(text));
    assert.equal(back.version, 1);
    assert.match(back.model.sha256, /^[0-9a-f]{64}$/);
    assert.ok(back.front.length > 0);
    for (const e of [back.recommended, ...back.front]) {
      for (const key of ['latencyMs', 'p99Ms', 'accuracy', 'accuracySource', 'edgeMemoryBytes', 'energyMj', 'bytes']) assert.ok(key in e.objectives, key);
      for (const key of ['cut', 'codec', 'exits', 'device', 'network']) assert.ok(key in e, key);
    }
    const entry = { ...back.recommended, objectives: { ...back.recommended.objectives, p99Ms: null } };
    assert.equal(configurationOfEntry(entry).objectives.p99Ms, Infinity);
    // No requirement: margins are +Infinity, written as null.
    const free = lenetPlanDocument({});
    assert.ok(free);
    assert.equal(parsePlan(planJson(free)).recommended.margin, null);
  });

  it('a malformed plan: one clear error naming the field', () => {
    rejects('{"format": "cleave-plan",', /^plan\.json: not valid JSON/);
    rejects(edited((p) => { delete (p.front[0]?.objectives as Record<string, unknown>).accuracy; }), /^plan\.json: field "front\[0\]\.objectives\.accuracy" is missing$/);
    rejects(edited((p) => { (p.recommended.objectives as Record<string, unknown>).latencyMs = 'fast'; }), /^plan\.json: field "recommended\.objectives\.latencyMs" must be a number >= 0 or null, got "fast"$/);
    rejects(edited((p) => { (p.recommended.objectives as Record<string, unknown>).accuracySource = 'guessed'; }), /field "recommended\.objectives\.accuracySource" must be one of "measured", "predicted", got "guessed"/);
    rejects(edited((p) => { (p.model as Record<string, unknown>).sha256 = 'abc'; }), /field "model\.sha256" must match \^\[0-9a-f\]\{64\}\$, got "abc"/);
    rejects(edited((p) => { p.extra = 1; }), /field "extra" is not a known field \(known: format, version,/);
    rejects(edited((p) => { p.front = []; }), /field "front" must have at least 1 item\(s\), got 0/);
    rejects(edited((p) => { p.version = 2; }), /field "version" is 2; this cleave reads plan version 1/);
    rejects(edited((p) => { (p.devices as Record<string, Record<string, unknown>>)['raspberry-pi-4'] = { name: 'x' }; }), /field "devices\.raspberry-pi-4\.description"|field "devices\.raspberry-pi-4\.kind" is missing/);
    rejects(edited((p) => { (p.scenarios as Record<string, unknown>).split = 5; }), /field "scenarios\.split" must be an object or null, got 5|field "scenarios\.split" must be/);
  });

  it('an unknown device or network in an entry, a model whose hash does not match: the field is named', () => {
    rejects(edited((p) => { p.recommended.device = 'pi-5'; }), /field "recommended\.device" names unknown device "pi-5" \(the plan describes: raspberry-pi-4\)/);
    rejects(edited((p) => { p.front[0]!.network = '6g'; p.front[0]!.placement = 'split'; }), /field "front\[0\]\.network" names unknown network "6g" \(the plan describes: 4g, lpwan\)/);
    const doc = lenetPlanDocument();
    assert.ok(doc);
    checkPlanModel(doc, new Uint8Array(readFileSync(doc.model.path)));
    assert.throws(() => checkPlanModel(doc, Uint8Array.from([1, 2, 3])), /plan\.json: field "model\.sha256" is [0-9a-f]{64}, but .*lenet-mnist\.onnx hashes to 039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81: the model changed/);
  });
});

describe('json-schema validator', () => {
  const schema: JsonSchema = {
    $defs: { point: { type: 'object', properties: { x: { type: 'number', minimum: 0 }, tag: { enum: ['a', 'b'] } }, required: ['x'], additionalProperties: false } },
    type: 'object',
    properties: {
      n: { type: 'integer', maximum: 3 },
      s: { type: 'string', minLength: 2, pattern: '^k' },
      list: { type: 'array', items: { $ref: '#/$defs/point' }, maxItems: 2 },
      maybe: { anyOf: [{ $ref: '#/$defs/point' }, { type: 'null' }] },
      map: { type: 'object', additionalProperties: { type: 'boolean' } },
      c: { const: 'v1' },
      pos: { type: 'number', exclusiveMinimum: 0 },
    },
    required: ['n'],
  };
  const ok = (v: unknown): void => assert.equal(validate(v, schema), undefined, JSON.stringify(v));
  const bad = (v: unknown, path: string, message: RegExp): void => {
    const e = validate(v, schema);
    assert.ok(e, `accepted ${JSON.stringify(v)}`);
    assert.equal(e.path, path);
    assert.match(e.message, message);
  };

  it('accepts what conforms and names the first violation of each keyword', () => {
    ok({ n: 3, s: 'key', list: [{ x: 0, tag: 'a' }], maybe: null, map: { a: true }, c: 'v1', pos: 0.5, other: 'free' });
    ok({ n: -1, maybe: { x: 2 } });
    bad({}, 'n', /is missing/);
    bad({ n: 1.5 }, 'n', /must be an integer <= 3, got 1.5/);
    bad({ n: 4 }, 'n', /must be an integer <= 3, got 4/);
    bad({ n: 1, s: 'k' }, 's', /at least 2 characters/);
    bad({ n: 1, s: 'xy' }, 's', /must match \^k/);
    bad({ n: 1, list: [{ x: 1 }, { x: -1 }] }, 'list[1].x', /must be a number >= 0, got -1/);
    bad({ n: 1, list: [{ x: 1, y: 2 }] }, 'list[0].y', /is not a known field \(known: x, tag\)/);
    bad({ n: 1, list: [{ x: 1 }, { x: 1 }, { x: 1 }] }, 'list', /at most 2 items, got 3/);
    bad({ n: 1, list: [{ x: 1, tag: 'c' }] }, 'list[0].tag', /must be one of "a", "b", got "c"/);
    bad({ n: 1, maybe: { x: -2 } }, 'maybe.x', /must be a number >= 0/);
    bad({ n: 1, maybe: 'no' }, 'maybe', /must be an object or null, got "no"/);
    bad({ n: 1, map: { a: 1 } }, 'map.a', /must be a boolean, got 1/);
    bad({ n: 1, c: 'v2' }, 'c', /must be "v1", got "v2"/);
    bad({ n: 1, pos: 0 }, 'pos', /must be a number > 0, got 0/);
    bad([], '', /must be an object, got \[\]/);
  });

  it('refuses a schema keyword it does not check', () => {
    assert.throws(() => validate(1, { type: 'number', multipleOf: 2 } as unknown as JsonSchema), /keyword "multipleOf" is not supported/);
  });
});
