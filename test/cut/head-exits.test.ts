import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { cutModel } from '../../src/cut/extract.js';
import { EXITS_KEY } from '../../src/cut/head-exits.js';
import { verifyCut } from '../../src/cut/verify.js';
import { applyTemperatures } from '../../src/exits/apply-temperatures.js';
import { EXITS_METADATA_KEY, insertExits } from '../../src/exits/insert.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { runCli } from '../../test-support/cli/run-cli.js';

/** Tensors `t` depends on, itself included, by a walk over the producers of the model as given. */
function upstream(model: ModelProto, t: string): Set<string> {
  const producer = new Map(model.graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const seen = new Set<string>();
  const stack = [t];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    stack.push(...(producer.get(x)?.input ?? []).filter(Boolean));
  }
  return seen;
}

describe('cut: exits in the head', () => {
  it('the metadata key is the one the exits layer writes', () => {
    assert.equal(EXITS_KEY, EXITS_METADATA_KEY);
  });

  it('LeNet with two exits, cut at each of its cuts: the exits the head computes are head outputs, the tail takes the cut alone, all outputs verified', async () => {
    const plain = buildModel('lenet');
    const cuts = analyze(graphFromModel(plain), { batch: 1 }).cutPoints.map((c) => c.tensors);
    const added = insertExits(plain, { count: 2, placement: 'linear' });
    const analysis = analyze(graphFromModel(added.model), { batch: 1 });
    const seen = new Set<number>();
    for (const cut of cuts) {
      const parts = cutModel(analysis, cut);
      const before = upstream(plain, cut[0]!);
      const inHead = added.exits.filter((e) => before.has(e.at)).map((e) => e.output);
      seen.add(inHead.length);
      assert.deepEqual(parts.head.graph.output.map((o) => o.name), [...cut, ...inHead], `cut at ${cut}`);
      assert.deepEqual(parts.tail.graph.input.map((o) => o.name), cut, `cut at ${cut}`);
      assert.deepEqual(parts.tail.graph.output.map((o) => o.name), ['logits', ...added.exits.map((e) => e.output).filter((o) => !inHead.includes(o))]);
      const v = await verifyCut(analysis, parts);
      assert.ok(v.ok, `cut at ${cut}: ${JSON.stringify(v.outputs)}`);
      assert.deepEqual(v.outputs.map((o) => o.output).sort(), ['exit_0_logits', 'exit_1_logits', 'logits']);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2], 'cuts before, between and after the exits');
  });

  it('a calibrated exit with its probabilities output: both go with the exit into the head', async () => {
    const added = insertExits(buildModel('lenet'), { at: ['pool1'] });
    const model = applyTemperatures(added.model, { exit_0_logits: 1.7 }, { probabilities: true });
    const analysis = analyze(graphFromModel(model), { batch: 1 });
    const parts = cutModel(analysis, ['pool2']);
    assert.deepEqual(parts.head.graph.output.map((o) => o.name), ['pool2', 'exit_0_logits', 'exit_0_probabilities']);
    assert.deepEqual(parts.tail.graph.output.map((o) => o.name), ['logits']);
    assert.ok((await verifyCut(analysis, parts)).ok);
  });

  it('cleave cut writes the exits into head.onnx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-cut-exits-'));
    try {
      const path = join(dir, 'lenet-exits.onnx');
      writeFileSync(path, encodeModel(insertExits(buildModel('lenet'), { at: ['pool1'] }).model));
      const r = await runCli('cut', path, '--at', 'relu2', '-o', join(dir, 'out'));
      assert.equal(r.code, EXIT.OK, r.stderr);
      const head = decodeModel(readFileSync(join(dir, 'out', 'head.onnx')));
      assert.deepEqual(head.graph.output.map((o) => o.name), ['relu2', 'exit_0_logits']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
