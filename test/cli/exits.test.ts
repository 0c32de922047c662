import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { readTemperatures } from '../../src/exits/apply-temperatures.js';
import { readModel } from '../../src/onnx/model-file.js';
import { runCli } from '../../test-support/cli/run-cli.js';

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('cleave exits: add -> train -> calibrate -> evaluate -> plan on LeNet and MNIST', () => {
  let dir = '';
  const at = (f: string) => join(dir, f);
  before(() => { dir = mkdtempSync(join(tmpdir(), 'cleave-exits-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the workflow; each step writes what the next reads, --json reports it', async () => {
    const add = await runCli('exits', 'add', 'models/lenet-mnist.onnx', '--at', 'pool1,flatten', '-o', at('a.onnx'), '--json');
    assert.equal(add.code, EXIT.OK, add.stderr);
    const added = json(add.stdout) as { exits: { output: string; at: string }[]; verification: { bitIdentical: boolean } };
    assert.deepEqual(added.exits.map((e) => [e.output, e.at]), [['exit_0_logits', 'pool1'], ['exit_1_logits', 'flatten']]);
    assert.equal(added.verification.bitIdentical, true);

    const train = await runCli('exits', 'train', at('a.onnx'), '--data', 'mnist', '--limit', '3200', '--test-limit', '300', '--epochs', '1', '--batch', '32', '--lr', '0.01', '-o', at('t.onnx'), '--json');
    assert.equal(train.code, EXIT.OK, train.stderr);
    const trained = json(train.stdout) as { mode: string; testAccuracy: { exits: { accuracy: number }[]; main: number }; outputs: { weight: number }[] };
    assert.equal(trained.mode, 'exits');
    assert.ok(trained.testAccuracy.main > 0.95 && (trained.testAccuracy.exits[1]?.accuracy ?? 0) > 0.85, JSON.stringify(trained.testAccuracy));

    const cal = await runCli('exits', 'calibrate', at('t.onnx'), '--data', 'mnist', '--images', '500', '-o', at('c.onnx'), '--diagram', at('r.svg'), '--json');
    assert.equal(cal.code, EXIT.OK, cal.stderr);
    const calibrated = json(cal.stdout) as { fitImages: number; checkImages: number; exits: { output: string; temperature: number; eceBefore: number; eceAfter: number }[] };
    assert.equal(calibrated.fitImages, 500);
    assert.deepEqual(readTemperatures(readModel(at('c.onnx'))), Object.fromEntries(calibrated.exits.map((e) => [e.output, e.temperature])));
    assert.match(readFileSync(at('r.svg'), 'utf8'), /^<svg [^>]*>.*ECE/s);

    const ev = await runCli('exits', 'evaluate', at('c.onnx'), '--data', 'mnist', '--images', '300', '--noise', '0.2', '--blur', '1', '--taus', '0.6,0.9', '--samples', at('s.json'), '--json');
    assert.equal(ev.code, EXIT.OK, ev.stderr);
    const evaluated = json(ev.stdout) as { images: number; conditions: { condition: string; taus: { tau: number; accuracy: number }[] }[] };
    assert.equal(evaluated.images, 300);
    assert.deepEqual(evaluated.conditions.map((c) => c.condition), ['clean', 'noise 0.2', 'blur 1']);
    assert.deepEqual(evaluated.conditions[0]?.taus.map((t) => t.tau), [0.6, 0.9]);
    const samples = json(readFileSync(at('s.json'), 'utf8')) as { sets: { samples: { mainCorrect: boolean[] } }[] };
    assert.deepEqual(samples.sets.map((s) => s.samples.mainCorrect.length), [300, 300, 300]);

    const plan = await runCli('exits', 'plan', at('c.onnx'), '--samples', at('s.json'), '--device', 'raspberry-pi-4', '--uplink', '1.1,18.8', '--min-accuracy', '0.9', '--taus', '0.6,0.9', '--json');
    assert.equal(plan.code, EXIT.OK, plan.stderr);
    const planned = json(plan.stdout) as { conditions: { condition: string; decisions: { uplinkMbps: number; best: { expectedAccuracy: number; exits: { tau: number }[] } | null }[] }[]; layers: { layers: unknown[] } };
    assert.equal(planned.conditions.length, 3);
    assert.equal(planned.layers.layers.length, 12);
    for (const c of planned.conditions) {
      assert.deepEqual(c.decisions.map((d) => d.uplinkMbps), [1.1, 18.8]);
      for (const d of c.decisions) if (d.best) assert.ok(d.best.expectedAccuracy >= 0.9 && d.best.exits.every((e) => [0.6, 0.9].includes(e.tau)));
    }
    const text = await runCli('exits', 'plan', at('c.onnx'), '--samples', at('s.json'), '--device', 'raspberry-pi-4', '--uplink', '5.85', '--max-latency', '1ms', '--taus', '0.6,0.9');
    assert.equal(text.code, EXIT.OK, text.stderr);
    assert.match(text.stdout, /12 layers; all on raspberry-pi-4: .*\n.*highest accuracy with expected latency <= 1 ms[\s\S]*blur 1 \(9 exit configurations per rate\)/);
  });

  it('bad input: a tensor that cannot take an exit lists those that can; no objective, two objectives; a model without exits', async () => {
    const r = await runCli('exits', 'add', 'models/lenet-mnist.onnx', '--at', 'conv1.weight', '-o', at('x.onnx'));
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /an exit cannot read "conv1.weight": .*Tensors that would work: conv1 \[6x28x28\], relu1/);
    assert.ok(!existsSync(at('x.onnx')));
    assert.equal((await runCli('exits', 'add', 'models/lenet-mnist.onnx', '-o', at('x.onnx'))).code, EXIT.USAGE);
    const none = await runCli('exits', 'plan', 'models/lenet-mnist.onnx', '--samples', 's.json', '--device', 'raspberry-pi-4', '--uplink', '1');
    assert.match(none.stderr, /give exactly one objective/);
    const both = await runCli('exits', 'plan', 'models/lenet-mnist.onnx', '--samples', 's.json', '--device', 'raspberry-pi-4', '--uplink', '1', '--min-accuracy', '0.9', '--max-latency', '5ms');
    assert.equal(both.code, EXIT.USAGE);
    assert.match(both.stderr, /give exactly one objective/);
    const plain = await runCli('exits', 'evaluate', 'models/lenet-mnist.onnx', '--data', 'mnist', '--images', '10');
    assert.equal(plain.code, EXIT.USAGE);
    assert.match(plain.stderr, /the model has no exits/);
  });
});

describe('cleave popex', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'cleave-popex-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const problem = {
    inputBytes: 3072, uplinkMbps: 5.85, rttMs: 0,
    layers: [{ name: 'conv1', edgeMs: 2, cloudMs: 0.1, outputBytes: 65536 }, { name: 'conv2', edgeMs: 1, cloudMs: 0.1, outputBytes: 1024 }, { name: 'fc', edgeMs: 5, cloudMs: 0.01, outputBytes: 40 }],
    exits: [{ after: 'conv2', edgeMs: 0.5, exitProbability: 0.6 }],
  };
  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('prints the best cut and every cut; --json has cut, expectedMs, edgeOnlyMs, cloudOnlyMs, path', async () => {
    const file = write('p.json', problem);
    const r = await runCli('popex', file, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const s = json(r.stdout) as { cut: string; expectedMs: number; edgeOnlyMs: number; cloudOnlyMs: number; path: string[]; cuts: unknown[] };
    // conv2 on the edge: 3 ms, then the exit (0.5 ms); 40% upload 1024 B at 5.85 Mbit/s (1.4 ms) and run fc (0.01 ms).
    assert.equal(s.cut, 'conv2');
    assert.ok(Math.abs(s.expectedMs - (3 + 0.5 + 0.4 * ((8 * 1024) / 5850 + 0.01))) < 1e-9, String(s.expectedMs));
    assert.ok(Math.abs(s.edgeOnlyMs - (3 + 0.5 + 0.4 * 5)) < 1e-9);
    assert.ok(Math.abs(s.cloudOnlyMs - ((8 * 3072) / 5850 + 0.21)) < 1e-9);
    assert.deepEqual(s.path, ['input', 'edge:conv1', 'edge:conv2', 'exit:conv2', 'cloud:conv2', 'cloud:fc', 'output']);
    assert.equal(s.cuts.length, 4);
    const text = await runCli('popex', file);
    assert.match(text.stdout, /best cut: conv2, 4\.\d+ ms expected/);
  });

  it('a bad problem file: one error naming the field, exit code 2, nothing on stdout', async () => {
    const bad: [string, unknown, RegExp][] = [
      ['missing field', { ...problem, uplinkMbps: undefined }, /^cleave popex: uplinkMbps: is missing\n$/],
      ['negative time', { ...problem, layers: [problem.layers[0], { ...problem.layers[1], cloudMs: -1 }, problem.layers[2]] }, /^cleave popex: layers\[1\]\.cloudMs: must be a finite number >= 0 \(ms\), got -1\n$/],
      ['probability above 1', { ...problem, exits: [{ ...problem.exits[0], exitProbability: 1.5 }] }, /^cleave popex: exits\[0\]\.exitProbability: must be a finite number >= 0 and <= 1/],
      ['exit after an unknown layer', { ...problem, exits: [{ ...problem.exits[0], after: 'conv3' }] }, /^cleave popex: exits\[0\]\.after: names no layer: "conv3"/],
      ['duplicate names', { ...problem, layers: [problem.layers[0], { ...problem.layers[1], name: 'conv1' }, problem.layers[2]] }, /^cleave popex: layers\[1\]\.name: duplicate layer name "conv1"/],
      ['misspelt key', { ...problem, layers: [{ ...problem.layers[0], edgeMS: 2 }] }, /^cleave popex: layers\[0\]\.edgeMS: unknown field/],
      ['not JSON', '{ "inputBytes": ', /is not JSON/],
    ];
    for (const [what, value, message] of bad) {
      const r = await runCli('popex', write('bad.json', value));
      assert.equal(r.code, EXIT.USAGE, what);
      assert.match(r.stderr, message, what);
      assert.equal(r.stdout, '', what);
    }
  });
});
