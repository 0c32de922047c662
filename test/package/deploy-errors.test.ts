import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { parsePlan, type PlanDocument } from '../../src/qos/plan-file.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { frontIndex, lenetPlan } from '../../test-support/package/deploy-fixtures.js';
import { lenet, LENET_PATH } from '../../test-support/qos/specs.js';

const root = mkdtempSync(join(tmpdir(), 'cleave-deploy-bad-'));

/** Each case in a folder of its own: the plan, its model, and where the deployment would go. */
function workspace(name: string): { dir: string; out: string } {
  const dir = join(root, name);
  mkdirSync(dir);
  return { dir, out: join(dir, 'deploy') };
}

/** One line on stderr, the exit code, and nothing written beside the plan (no DIR, no temporary folder). */
async function refuses(dir: string, args: readonly string[], code: number, message: RegExp): Promise<void> {
  const before = readdirSync(dir).sort();
  const r = await runCli('deploy', ...args);
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, message);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), before);
}

describe('cleave deploy: bad plans and models give one clear error and write nothing', () => {
  let planText: string;
  let doc: PlanDocument;
  let split: number;
  before(async () => {
    // The plan names its model by a path relative to the plan's folder (as `cleave plan` run there does).
    const { dir } = workspace('source');
    copyFileSync(LENET_PATH, join(dir, 'lenet.onnx'));
    const r = await lenetPlan(join(dir, 'plan.json'), '--codec', 'int8');
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = { ...parsePlan(r.stdout), model: { ...parsePlan(r.stdout).model, path: 'lenet.onnx' } };
    planText = JSON.stringify(doc);
    split = frontIndex(doc, (e) => e.placement === 'split', 'split entry');
  });

  /** A workspace with the plan (edited by `edit`) and the model beside it. */
  function withPlan(name: string, edit: (d: PlanDocument) => unknown = (d) => d, model = LENET_PATH): { dir: string; out: string; plan: string } {
    const w = workspace(name);
    const plan = join(w.dir, 'plan.json');
    writeFileSync(plan, JSON.stringify(edit(JSON.parse(planText) as PlanDocument)));
    copyFileSync(model, join(w.dir, 'lenet.onnx'));
    return { ...w, plan };
  }

  it('deploys when all is well (the model found beside the plan)', async () => {
    const { plan, out } = withPlan('good');
    const r = await runCli('deploy', plan, '-o', out, '--entry', String(split));
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.ok(existsSync(join(out, 'edge.json')));
  });

  it('a model that does not hash to model.sha256', async () => {
    const { dir, plan, out } = withPlan('hash', (d) => d, LENET_PATH.replace('lenet-mnist', 'small-vgg-fashion'));
    await refuses(dir, [plan, '-o', out, '--entry', String(split)], EXIT.BAD_PROFILE, /field "model\.sha256" is [0-9a-f]{64}, but lenet\.onnx hashes to [0-9a-f]{64}: the model changed since the plan was made/);
  });

  it('a model file that is not there', async () => {
    const { dir, plan, out } = withPlan('missing');
    rmSync(join(dir, 'lenet.onnx'));
    await refuses(dir, [plan, '-o', out], EXIT.IO, /field "model\.path" names lenet\.onnx, which cannot be read \(give --model PATH\)/);
    await refuses(dir, [join(dir, 'nope.json'), '-o', out], EXIT.IO, /cannot read plan .*nope\.json: ENOENT/);
  });

  it('an unknown device, a missing field, another version', async () => {
    const device = withPlan('device', (d) => ({ ...d, recommended: { ...d.recommended, device: 'nokia-3310' } }));
    await refuses(device.dir, [device.plan, '-o', device.out], EXIT.BAD_PROFILE, /field "recommended\.device" names unknown device "nokia-3310" \(the plan describes: raspberry-pi-4\)/);
    const missing = withPlan('field', (d) => ({ ...d, recommended: { ...d.recommended, codec: undefined } }));
    await refuses(missing.dir, [missing.plan, '-o', missing.out], EXIT.BAD_PROFILE, /field "recommended\.codec" is missing/);
    const version = withPlan('version', (d) => ({ ...d, version: 2 }));
    await refuses(version.dir, [version.plan, '-o', version.out], EXIT.BAD_PROFILE, /field "version" is 2; this cleave reads plan version 1/);
  });

  it('entries deploy cannot run: everything local, an index off the front, a cut of two tensors', async () => {
    const local = withPlan('local');
    const l = frontIndex(doc, (e) => e.placement === 'local', 'local entry');
    await refuses(local.dir, [local.plan, '-o', local.out, '--entry', String(l)], EXIT.USAGE, new RegExp(`front\\[${l}\\] runs everything on the edge \\(placement local\\): there is no tail to serve`));
    await refuses(local.dir, [local.plan, '-o', local.out, '--entry', '99'], EXIT.USAGE, /--entry must be recommended or a front index 0\.\.\d+ of .*plan\.json, got "99"/);
    const two = withPlan('two', (d) => ({ ...d, front: d.front.map((e, i) => (i === split ? { ...e, cut: ['pool1', 'conv2'] } : e)) }));
    await refuses(two.dir, [two.plan, '-o', two.out, '--entry', String(split)], EXIT.USAGE, /cuts at 2 tensors \(pool1, conv2\); the edge client sends one tensor per request/);
  });

  it('a folder that is not empty is kept unless --force; with it, replaced whole', async () => {
    const { dir, plan, out } = withPlan('exists');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await refuses(dir, [plan, '-o', out, '--entry', String(split)], EXIT.USAGE, /deploy exists and is not empty: remove it, choose another folder, or give --force/);
    assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'mine');
    const r = await runCli('deploy', plan, '-o', out, '--entry', String(split), '--force');
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.equal(existsSync(join(out, 'keep.txt')), false);
    assert.deepEqual(readdirSync(dir).sort(), ['deploy', 'lenet.onnx', 'plan.json']);
  });

  it('options for what the entry does not have are refused', async () => {
    const { dir, plan, out } = withPlan('options');
    await refuses(dir, [plan, '-o', out, '--entry', String(split), '--exits-model', LENET_PATH], EXIT.USAGE, /--exits-model is for an entry with exits; front\[\d+\] enables none/);
    await refuses(dir, [plan, '-o', out, '--entry', String(split), '--sparse-model', LENET_PATH], EXIT.USAGE, /--sparse-model is for an entry with a sparsity variant; front\[\d+\] is dense/);
  });
});

describe('cleave deploy: a sparsity variant is deployed from its sparse model, never made from the dense one', () => {
  const { dir } = workspace('sparse');
  const planPath = join(dir, 'plan.json');
  let doc: PlanDocument;
  before(async () => {
    const variants = join(dir, 'variants.json');
    // conv2 keeps half its kernels in 2 groups; conv1 (one input channel) cannot be grouped and stays dense.
    writeFileSync(variants, JSON.stringify([{ label: 'half', density: 0.5, structured: true, accuracyDelta: -0.002, nodeDensity: { conv1: 1 } }]));
    const r = await lenetPlan(planPath, '--codec', 'int8', '--sparsity', variants);
    assert.equal(r.code, EXIT.OK, r.stderr);
    doc = parsePlan(r.stdout);
  });

  it('refused without --sparse-model; refused with a model that is not the variant; deployed and verified with it', async () => {
    const at = (cut: string) => frontIndex(doc, (e) => e.sparsity === 'half' && e.cut[0] === cut, `variant at ${cut}`);
    const out = join(dir, 'deploy');
    const before = readdirSync(dir).sort();
    const none = await runCli('deploy', planPath, '-o', out, '--entry', String(at('pool2')));
    assert.equal(none.code, EXIT.USAGE);
    assert.match(none.stderr, /uses sparsity variant "half" \(density 0\.5, structured\); its accuracy was measured on that variant trained, which deploy does not make from the dense model: give --sparse-model FILE/);
    const sparse = join(dir, 'lenet-half.onnx');
    writeModel(sparse, sparsify(lenet().model, { density: 0.5, headOf: 'pool2', structured: true }).model);
    // The variant thins every head layer; a deeper cut's head has fc1, which this model keeps dense.
    const deeper = await runCli('deploy', planPath, '-o', out, '--entry', String(at('fc1')), '--sparse-model', sparse);
    assert.equal(deeper.code, EXIT.USAGE);
    assert.match(deeper.stderr, /lenet-half\.onnx: layer "fc1" is dense, but variant "half" keeps 0\.5 of its connections/);
    // The same density stored compactly (unstructured) runs dense: not what the plan timed.
    const compact = join(dir, 'lenet-compact.onnx');
    writeModel(compact, sparsify(lenet().model, { density: 0.5, headOf: 'pool2' }).model);
    const wrong = await runCli('deploy', planPath, '-o', out, '--entry', String(at('pool2')), '--sparse-model', compact);
    assert.equal(wrong.code, EXIT.USAGE);
    assert.match(wrong.stderr, /layer "conv2" is compact, variant "half" is structured/);
    const dense = await runCli('deploy', planPath, '-o', out, '--entry', String(at('pool2')), '--sparse-model', LENET_PATH);
    assert.equal(dense.code, EXIT.USAGE);
    assert.match(dense.stderr, /has no sparse layer \(no "cleave\.sparsity" metadata\): give the model sparsified with variant "half" and trained/);
    assert.deepEqual(readdirSync(dir).sort(), [...before, 'lenet-compact.onnx', 'lenet-half.onnx'].sort());
    const ok = await runCli('deploy', planPath, '-o', out, '--entry', String(at('pool2')), '--sparse-model', sparse, '--json');
    assert.equal(ok.code, EXIT.OK, ok.stderr);
    const result = JSON.parse(ok.stdout) as { verification: { ok: boolean; outputs: { relativeError: number }[] } };
    assert.equal(result.verification.ok, true);
    // The deployed head holds the grouped layer, not the dense one.
    const head = readFileSync(join(out, 'head.onnx'));
    assert.ok(head.length < readFileSync(join(root, 'source', 'lenet.onnx')).length);
  });
});
