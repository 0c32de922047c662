import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { SamplesProvenance } from '../../src/exits/samples-provenance.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { plannedModel } from '../../src/qos/model-exits.js';
import { parsePlan, type PlanDocument } from '../../src/qos/plan-file.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { lenetWithExits } from '../../test-support/exits/lenet-exits.js';
import { LENET_PATH, lenet } from '../../test-support/qos/specs.js';
import { gapGemmBranch, syntheticExitStatistics } from '../../test-support/qos/synthetic-exits.js';

const dir = mkdtempSync(join(tmpdir(), 'cleave-plan-'));
const base = ['plan', LENET_PATH, '--device', 'raspberry-pi-4', '--network', '4g', '--codec', 'fp32,int8', '--simulate-max', '3', '--frames', '50'];

/** An exit statistics file for LeNet (synthetic per-sample figures, two exits, 50 samples), saying which images they are of when `provenance` is given. */
function exitsFile(provenance?: SamplesProvenance, name = 'exits.json'): string {
  const { analysis } = lenet();
  const shape = (t: string) => analysis.inference.tensors.get(t)?.shape ?? [];
  const branches = ['pool1', 'pool2'].map((t, j) => {
    const [, c, h, w] = shape(t);
    return gapGemmBranch(`exit_${j}_logits`, t, c ?? 1, h ?? 1, w ?? 1);
  });
  const s = syntheticExitStatistics(branches, 50, 5, 0.99);
  const rows = <T>(f: (i: number, j: number) => T): T[][] => Array.from({ length: s.samples }, (_, i) => branches.map((_, j) => f(i, j)));
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({
    exits: branches,
    thresholds: [0.8, 0.95],
    samples: { confidence: rows((i, j) => s.confidence[i * 2 + j]), correct: rows((i, j) => s.correct[i * 2 + j] === 1), mainCorrect: Array.from(s.mainCorrect, (b) => b === 1) },
    ...(provenance ? { provenance } : {}),
  }));
  return file;
}

describe('cleave plan', () => {
  it('--json prints plan.json; -o writes the same document atomically', async () => {
    const out = join(dir, 'plan.json');
    const r = await runCli(...base, '--max-latency', '80ms', '--min-accuracy', '0.9', '--json', '-o', out);
    assert.equal(r.code, EXIT.OK, r.stderr);
    const doc = parsePlan(r.stdout);
    assert.deepEqual(parsePlan(readFileSync(out, 'utf8')), doc);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    assert.equal(doc.feasible, true);
    assert.equal(doc.accuracy.source, 'predicted');
    assert.equal(doc.recommended.objectives.accuracySource, 'predicted');
    assert.ok(doc.recommended.objectives.latencyMs !== null && doc.recommended.objectives.latencyMs <= 80);
    assert.deepEqual(doc.sweep.codecs, ['fp32', 'int8']);
    assert.deepEqual(Object.keys(doc.scenarios), ['local', 'remote', 'split', 'earlyExit']);
    assert.equal(doc.scenarios.earlyExit, null);
    // Same input, same bytes (the simulator is seeded; no timings or dates in the plan).
    const again = await runCli(...base, '--max-latency', '80ms', '--min-accuracy', '0.9', '--json');
    assert.equal(again.stdout, r.stdout);
  });

  it('prints the recommendation, the four scenarios and the front', async () => {
    const r = await runCli(...base, '--device', 'jetson-nano', '--max-latency', '80ms');
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.match(r.stdout, /configurations \(13 cuts incl\. local and remote, 2 codecs, 1 exit configuration\(s\), 1 sparsity variant\(s\), 2 devices, 1 networks\)/);
    assert.match(r.stdout, /\nrecommended: cut=/);
    assert.match(r.stdout, /scenarios \(the best of each kind\):\n\s+cut\s+codec/);
    assert.match(r.stdout, /\nlocal\s+\(local\)\s+none/);
    assert.match(r.stdout, /\nremote\s+\(remote\)/);
    assert.match(r.stdout, /\nearly exit\s+\(none\)/);
    assert.match(r.stdout, /front \(best margin first\):/);
  });

  it('no feasible plan: exit code 9, the nearest misses and what they miss, nothing written; --best-effort writes the nearest', async () => {
    const out = join(dir, 'none.json');
    const r = await runCli(...base, '--max-latency', '0.01ms', '--max-bytes', '10', '-o', out);
    assert.equal(r.code, EXIT.NO_FEASIBLE_PLAN);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^cleave plan: no configuration of the \d+ swept meets the requirements; nearest:\n  cut=\S+ codec=\S+ .*: misses max-latency by [\d.]+ ms \(\d+% of the budget\)/);
    assert.match(r.stderr, /relax a requirement, or pass --best-effort/);
    assert.equal(existsSync(out), false);
    const best = await runCli(...base, '--max-latency', '0.01ms', '--max-bytes', '10', '-o', out, '--best-effort', '--json');
    assert.equal(best.code, EXIT.NO_FEASIBLE_PLAN);
    const doc = parsePlan(readFileSync(out, 'utf8'));
    assert.equal(doc.feasible, false);
    assert.ok(doc.recommended.missed.length > 0);
    assert.match(best.stderr, /the plan holds the nearest \(--best-effort\)/);
  });

  it('bad input: an unknown device or network, a bad exits file, a bad flag', async () => {
    const dev = await runCli('plan', LENET_PATH, '--device', 'pi-9', '--network', '4g');
    assert.equal(dev.code, EXIT.BAD_PROFILE);
    assert.match(dev.stderr, /^cleave plan: unknown device "pi-9" \(known: a100-server, /);
    const net = await runCli('plan', LENET_PATH, '--device', 'jetson-nano', '--network', '3g');
    assert.equal(net.code, EXIT.BAD_PROFILE);
    assert.match(net.stderr, /unknown network "3g" \(known: 4g, 5g, ethernet, lpwan, wifi\)/);
    const bad = join(dir, 'bad-exits.json');
    writeFileSync(bad, JSON.stringify({ exits: [{ name: 'e', after: 'pool1', flops: -1, bytes: 1, opClass: 'gemm', paramBytes: 1 }], thresholds: [0.5], samples: { confidence: [[0.5]], correct: [[true]], mainCorrect: [true] } }));
    const ex = await runCli(...base, '--exits', bad);
    assert.equal(ex.code, EXIT.USAGE);
    assert.match(ex.stderr, /bad-exits\.json: field "exits\[0\]\.flops" must be a number >= 0, got -1/);
    const nowhere = join(dir, 'nowhere-exits.json');
    writeFileSync(nowhere, JSON.stringify({ exits: [{ name: 'e', after: 'pool9', flops: 1, bytes: 1, opClass: 'gemm', paramBytes: 1 }], thresholds: [0.5], samples: { confidence: [[0.5]], correct: [[true]], mainCorrect: [true] } }));
    const unknown = await runCli(...base, '--exits', nowhere);
    assert.equal(unknown.code, EXIT.USAGE);
    assert.match(unknown.stderr, /nowhere-exits\.json: field "exits\[0\]\.after" names "pool9", which no layer of the model computes; closest: "pool1"/);
    const p99 = await runCli(...base, '--p99');
    assert.equal(p99.code, EXIT.USAGE);
    assert.match(p99.stderr, /--p99 says which latency --max-latency bounds/);
  });

  it('--exits and --sparsity join the sweep: an early-exit scenario, a sparse variant', async () => {
    const variants = join(dir, 'sparsity.json');
    writeFileSync(variants, JSON.stringify([{ label: 'quarter', density: 0.25, structured: true, accuracyDelta: -0.004 }]));
    const r = await runCli(...base, '--exits', exitsFile(), '--sparsity', variants, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const doc = parsePlan(r.stdout);
    assert.equal(doc.sweep.exitConfigurations, 9);
    assert.deepEqual(doc.sweep.sparsity.map((v) => v.label), ['quarter']);
    assert.ok(doc.scenarios.earlyExit && doc.scenarios.earlyExit.exits.length > 0);
    assert.ok(doc.front.some((e) => e.sparsity === 'quarter'));
  });

  it('--exits with --data: exits counted per image (measured) only when the file says its samples are those images; else predicted, and the output says why', async () => {
    // The samples are 50, as many as the images, in every case: the count alone proves nothing.
    const data = ['--data', 'mnist', '--images', '50'];
    const withExits = (d: PlanDocument) => [...d.front, ...Object.values(d.scenarios)].filter((e): e is PlanDocument['recommended'] => e !== null && e.exits.length > 0);
    const same = await runCli(...base, ...data, '--exits', exitsFile({ data: 'mnist', split: 'test', from: 0, count: 50 }, 'same.json'), '--json');
    assert.equal(same.code, EXIT.OK, same.stderr);
    const measured = parsePlan(same.stdout);
    assert.deepEqual(measured.accuracy.exits, { file: join(dir, 'same.json'), source: 'measured', provenance: { data: 'mnist', split: 'test', from: 0, count: 50 } });
    assert.ok(withExits(measured).length > 0);
    for (const e of withExits(measured)) assert.equal(e.objectives.accuracySource, 'measured', e.id);

    // Images further on in the split: the plan measures those very images (from 5000).
    const further = await runCli(...base, ...data, '--exits', exitsFile({ data: 'mnist', split: 'test', from: 5000, count: 50 }, 'further.json'), '--json');
    assert.equal(further.code, EXIT.OK, further.stderr);
    const followed = parsePlan(further.stdout);
    assert.deepEqual([followed.accuracy.from, followed.accuracy.images, followed.accuracy.exits?.source], [5000, 50, 'measured']);

    const elsewhere = await runCli(...base, ...data, '--exits', exitsFile({ data: 'fashion-mnist', split: 'test', from: 0, count: 50 }, 'elsewhere.json'), '--json');
    assert.equal(elsewhere.code, EXIT.OK, elsewhere.stderr);
    const predicted = parsePlan(elsewhere.stdout);
    assert.equal(predicted.accuracy.exits?.source, 'predicted');
    assert.equal(predicted.accuracy.from, undefined);
    assert.equal(predicted.accuracy.exits?.note, 'the exit statistics are of fashion-mnist test images [0, 50), the plan measures mnist test images [0, 50)');
    assert.ok(withExits(predicted).length > 0);
    for (const e of withExits(predicted)) assert.equal(e.objectives.accuracySource, 'predicted', e.id);
    // Configurations without exits are still measured.
    assert.equal(predicted.accuracy.source, 'measured');
    for (const e of predicted.front.filter((x) => x.exits.length === 0 && x.sparsity === 'dense')) assert.equal(e.objectives.accuracySource, 'measured', e.id);

    // A file from before provenance was recorded still reads: predicted, with the reason printed.
    const old = await runCli(...base, ...data, '--exits', exitsFile(undefined, 'old.json'));
    assert.equal(old.code, EXIT.OK, old.stderr);
    assert.match(old.stdout, /\nexits: \S*old\.json's per-image figures not used, exit configurations' accuracy predicted \(\*\): the exit statistics do not say which images they come from/);
  });

  it('`exits evaluate --samples` writes a file `plan --exits` reads: the clean set, each branch costed as the model with exits holds it, the thresholds and the images', async () => {
    const model = lenetWithExits();
    const withExits = join(dir, 'lenet-exits.onnx');
    writeModel(withExits, model);
    const samples = join(dir, 'samples.json');
    const ev = await runCli('exits', 'evaluate', withExits, '--data', 'mnist', '--images', '12', '--taus', '0.6,0.9', '--noise', '0.1', '--samples', samples, '--json');
    assert.equal(ev.code, EXIT.OK, ev.stderr);
    // The exits were added to the shipped LeNet: planned on it, they are swept on its cuts.
    const r = await runCli('plan', LENET_PATH, '--device', 'raspberry-pi-4', '--network', '4g', '--codec', 'fp32', '--simulate-max', '3', '--frames', '50', '--data', 'mnist', '--images', '12', '--exits', samples, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const doc = parsePlan(r.stdout);
    // Two exits, each off or at one of two thresholds.
    assert.equal(doc.sweep.exitConfigurations, 9);
    const branches = plannedModel(model).exits?.branches ?? [];
    const file = JSON.parse(readFileSync(samples, 'utf8')) as { exits: { output: string; at: string; flops: number }[]; thresholds: number[] };
    assert.deepEqual(file.exits.map((e) => [e.output, e.at, e.flops]), branches.map((b) => [b.name, b.after, b.flops]));
    assert.deepEqual(file.thresholds, [0.6, 0.9]);
    // The evaluation half of the 10,000 MNIST test images: the plan measures those 12 images, so the file's per-image figures count.
    assert.deepEqual(doc.accuracy.exits?.provenance, { data: 'mnist', split: 'test', from: 5000, count: 12 });
    assert.deepEqual([doc.accuracy.source, doc.accuracy.images, doc.accuracy.from], ['measured', 12, 5000]);
    assert.equal(doc.accuracy.exits?.source, 'measured');
    assert.equal(doc.accuracy.exits?.note, undefined);
    for (const e of doc.front) assert.equal(e.objectives.accuracySource, 'measured', e.id);
    const early = doc.scenarios.earlyExit;
    assert.ok(early && early.exits.every((e) => branches.some((b) => b.name === e.name && b.after === e.after)));
    // Asked for another count, the plan measures its first images: the file's figures are predicted, saying why.
    const other = await runCli('plan', LENET_PATH, '--device', 'raspberry-pi-4', '--network', '4g', '--codec', 'fp32', '--simulate-max', '3', '--frames', '50', '--data', 'mnist', '--images', '10', '--exits', samples, '--json');
    assert.equal(other.code, EXIT.OK, other.stderr);
    const o = parsePlan(other.stdout);
    assert.deepEqual([o.accuracy.images, o.accuracy.from, o.accuracy.exits?.source], [10, undefined, 'predicted']);
    assert.match(o.accuracy.exits?.note ?? '', /of mnist test images \[5000, 5012\), the plan measures mnist test images \[0, 10\)/);
  });

  it('--data measures accuracy through head -> codec -> tail', async () => {
    const r = await runCli(...base, '--data', 'mnist', '--images', '40', '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const doc = parsePlan(r.stdout);
    assert.equal(doc.accuracy.source, 'measured');
    assert.equal(doc.accuracy.images, 40);
    for (const e of doc.front) assert.equal(e.objectives.accuracySource, 'measured');
  });
});

describe('cleave simulate plan.json', () => {
  it("simulates the recommended configuration or a front member, with the plan's load or --devices/--fps", async () => {
    const out = join(dir, 'sim.json');
    assert.equal((await runCli(...base, '--max-latency', '200ms', '-o', out)).code, EXIT.OK);
    const doc: PlanDocument = parsePlan(readFileSync(out, 'utf8'));
    const r = await runCli('simulate', out, '--entry', String(doc.front.findIndex((e) => e.placement !== 'local')), '--devices', '4', '--fps', '10', '--frames', '60', '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const j = JSON.parse(r.stdout) as { load: { devices: number; fps: number }; simulated: { p50Ms: number; p99Ms: number; framesSent: number } };
    assert.deepEqual([j.load.devices, j.load.fps], [4, 10]);
    assert.ok(j.simulated.framesSent >= 60 && j.simulated.p99Ms >= j.simulated.p50Ms && j.simulated.p50Ms > 0);
    const text = await runCli('simulate', out);
    assert.equal(text.code, EXIT.OK);
    assert.match(text.stdout, /^cut=\S+ codec=/);
    assert.match(text.stdout, /latency\s+plan ms\s+simulated now ms/);
    const clash = await runCli('simulate', out, '--payload', '1KB');
    assert.equal(clash.code, EXIT.USAGE);
    assert.match(clash.stderr, /--payload does not go with a plan/);
    const entry = await runCli('simulate', out, '--entry', '999');
    assert.equal(entry.code, EXIT.USAGE);
  });

  it('a malformed plan or a model that changed: one error naming the field, exit code 8', async () => {
    const broken = join(dir, 'broken.json');
    const good = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')) as { load: Record<string, unknown> };
    writeFileSync(broken, JSON.stringify({ ...good, load: { ...good.load, devices: 0 } }));
    const r = await runCli('simulate', broken);
    assert.equal(r.code, EXIT.BAD_PROFILE);
    assert.equal(r.stderr, `cleave simulate: ${broken}: field "load.devices" must be an integer >= 1, got 0\n`);
    const model = join(dir, 'model.onnx');
    copyFileSync(LENET_PATH, model);
    const plan = join(dir, 'own.json');
    assert.equal((await runCli('plan', model, '--device', 'jetson-nano', '--network', 'wifi', '--codec', 'fp32', '--simulate-max', '0', '-o', plan)).code, EXIT.OK);
    writeFileSync(model, Buffer.concat([readFileSync(model), Buffer.from([0])]));
    const stale = await runCli('simulate', plan);
    assert.equal(stale.code, EXIT.BAD_PROFILE);
    assert.match(stale.stderr, /field "model\.sha256" is [0-9a-f]{64}, but .*model\.onnx hashes to [0-9a-f]{64}: the model changed since the plan was made/);
  });
});
