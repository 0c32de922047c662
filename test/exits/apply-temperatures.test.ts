import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { BadModelError, BadRequestError } from '../../src/errors.js';
import { applyTemperatures, readTemperatures, TEMPERATURES_METADATA_KEY } from '../../src/exits/apply-temperatures.js';
import { insertExits } from '../../src/exits/insert.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { randomFeeds } from '../../src/runtime/random-feeds.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';

async function run(model: ModelProto): Promise<Record<string, RunTensor>> {
  const graph = graphFromModel(model);
  const session = await Session.fromModel(model, { optimization: 'disabled' });
  try {
    return await session.run(randomFeeds(graph, inferShapes(graph, { batch: 3 }), 4));
  } finally {
    await session.release();
  }
}

function near(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-6 * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

describe('applyTemperatures', () => {
  const exits = insertExits(buildModel('lenet'), { count: 2, placement: 'linear' }).model;

  it('ORT gives the exit logits divided by T and their softmax; the main output is untouched', async () => {
    const raw = await run(exits);
    const calibrated = applyTemperatures(exits, { exit_0_logits: 2.5, exit_1_logits: 0.5 }, { probabilities: true });
    const out = await run(calibrated);
    assert.deepEqual(out.logits?.data, raw.logits?.data);
    for (const [name, t] of [['exit_0', 2.5], ['exit_1', 0.5]] as const) {
      const z = raw[`${name}_logits`]?.data as Float32Array;
      near(out[`${name}_logits`]?.data as Float32Array, z.map((v) => v / t), `${name} logits`);
      const probs = out[`${name}_probabilities`]!;
      assert.deepEqual(probs.dims, [3, 10]);
      for (let i = 0; i < 3; i++) {
        const row = Array.from(z.slice(i * 10, i * 10 + 10), (v) => v / t);
        const max = Math.max(...row);
        const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
        near((probs.data as Float32Array).slice(i * 10, i * 10 + 10), row.map((v) => Math.exp(v - max) / sum), `${name} probabilities`);
      }
    }
    assert.deepEqual(readTemperatures(calibrated), { exit_0_logits: 2.5, exit_1_logits: 0.5 });
  });

  it('applying again replaces the temperature instead of dividing twice, and merges the metadata', async () => {
    const raw = await run(exits);
    const once = applyTemperatures(exits, { exit_0_logits: 2.5, exit_1_logits: 0.5 });
    const twice = applyTemperatures(once, { exit_0_logits: 4 });
    assert.equal(twice.graph.node.filter((n) => n.opType === 'Div').length, 2);
    const out = await run(twice);
    near(out.exit_0_logits?.data as Float32Array, (raw.exit_0_logits?.data as Float32Array).map((v) => v / 4), 'exit_0 at T = 4');
    near(out.exit_1_logits?.data as Float32Array, (raw.exit_1_logits?.data as Float32Array).map((v) => v / 0.5), 'exit_1 still at T = 0.5');
    assert.deepEqual(readTemperatures(twice), { exit_0_logits: 4, exit_1_logits: 0.5 });
  });

  it('refuses an unknown output, a temperature <= 0, malformed metadata', () => {
    assert.throws(() => applyTemperatures(exits, { exit_9_logits: 2 }), (e: unknown) => e instanceof BadRequestError && /no output "exit_9_logits"/.test(e.message));
    for (const t of [0, -2175, Number.NaN]) assert.throws(() => applyTemperatures(exits, { exit_0_logits: t }), /must be a finite number > 0/);
    const broken = { ...exits, metadataProps: [{ key: TEMPERATURES_METADATA_KEY, value: '{"exit_0_logits": -1}' }] };
    assert.throws(() => readTemperatures(broken), BadModelError);
  });
});
