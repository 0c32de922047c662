import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { readModel } from '../../src/onnx/model-file.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import { densify } from '../../src/sparsity/densify.js';
import { presentRecords, sparseRecords } from '../../src/sparsity/metadata.js';
import { runCli } from '../../test-support/cli/run-cli.js';

interface LayerJson { node: string; form: string | null; density: number; askedDensity: number; fo: number; fi: number; weights: number; kept: number; groups: number | null; note: string | null }
interface SparsifyJson { bytes: { input: number; output: number }; weights: { selected: number; kept: number }; flops: { input: number; output: number }; layers: LayerJson[] }
interface NodeJson { name: string; params: number; macs: number; flops: number; note?: string }
interface AnalysisJson { totals: { params: number; flops: number }; nodes: NodeJson[]; cutPoints: { tensors: string[]; headFlops: number }[] }

const HEAD = ['block1.conv2', 'block2.conv1', 'block2.conv2'];
/** Bytes a compact layer adds besides its kept weights: mask bits, 13 expansion nodes, its record (test/sparsity/storage.test.ts). */
const OVERHEAD_PER_LAYER = 3072;

function analysisOf(stdout: string): AnalysisJson {
  return JSON.parse(stdout) as AnalysisJson;
}

describe('cleave sparsify, then analyze, train and cut on its output', () => {
  let dir = '';
  let dense = '';
  let sparse = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-sparsify-'));
    dense = join(dir, 'vgg.onnx');
    sparse = join(dir, 'sparse.onnx');
    // width 1/4: 8, 16, 32 channels; trains in a few seconds
    writeFileSync(dense, encodeModel(smallVgg({ seed: 2, width: 0.25 })));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sparsify --head-of: degrees per layer, the first conv left dense with a note, the file smaller', async () => {
    const r = await runCli('sparsify', dense, '--density', '1/4', '--head-of', 'block2.pool', '--seed', '3', '-o', sparse, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const j = JSON.parse(r.stdout) as SparsifyJson;
    // hand count: Conv p -> n with 3x3 kernels keeps n·p·9/4 weights
    assert.deepEqual(j.layers.map((l) => [l.node, l.form, l.density, l.fo, l.fi, l.weights, l.kept]), [
      ['block1.conv1', null, 1, 8, 1, 72, 72],
      ['block1.conv2', 'compact', 0.25, 2, 2, 576, 144],
      ['block2.conv1', 'compact', 0.25, 4, 2, 1152, 288],
      ['block2.conv2', 'compact', 0.25, 4, 4, 2304, 576],
    ]);
    assert.match(j.layers[0]?.note ?? '', /not workable with 1 inputs and 8 outputs; took dense/);
    assert.deepEqual(j.weights, { selected: 72 + 576 + 1152 + 2304, kept: 72 + 144 + 288 + 576 });
    assert.equal(j.bytes.output, statSync(sparse).size);
    // the dropped weights go; a bit mask and a small expansion subgraph per layer come
    const floor = j.bytes.input - 4 * (3 / 4) * (576 + 1152 + 2304);
    assert.ok(j.bytes.output > floor && j.bytes.output < floor + 3 * OVERHEAD_PER_LAYER, `${j.bytes.output} vs ${j.bytes.input}`);
    assert.deepEqual(presentRecords(readModel(sparse)).map((x) => x.node), HEAD);
    const text = await runCli('sparsify', dense, '--density', '0.25', '--head-of', 'block2.pool', '--seed', '3', '-o', join(dir, 'again.onnx'));
    assert.equal(text.code, EXIT.OK, text.stderr);
    assert.match(text.stdout, /block2\.conv2\s+Conv\s+16\s+16\s+4\s+4\s+1\/4\s+1\/4\s+2304\s+576\s+compact/);
    assert.match(text.stdout, /note: block1\.conv1: density 1\/4 is not workable/);
    // same seed, same bytes
    assert.deepEqual(readFileSync(join(dir, 'again.onnx')), readFileSync(sparse));
  });

  it('analyze counts sparse layers from their nonzeros, says so per node, and the cut table follows', async () => {
    const d = await runCli('analyze', dense, '--json');
    const s = await runCli('analyze', sparse, '--json');
    assert.equal(s.code, EXIT.OK, s.stderr);
    const [da, sa] = [analysisOf(d.stdout), analysisOf(s.stdout)];
    const byName = (a: AnalysisJson, n: string) => a.nodes.find((x) => x.name === n)!;
    let droppedMacs = 0;
    let droppedWeights = 0;
    for (const name of HEAD) {
      const [dn, sn] = [byName(da, name), byName(sa, name)];
      assert.equal(sn.params, dn.params / 4, name);
      assert.equal(sn.macs, dn.macs / 4, name);
      assert.match(sn.note ?? '', /^sparse 1\/4 \(channel mask, compact\)/);
      droppedMacs += dn.macs - sn.macs;
      droppedWeights += dn.params - sn.params;
    }
    assert.equal(byName(sa, 'block1.conv1').note, undefined);
    assert.equal(sa.totals.params, da.totals.params - droppedWeights);
    assert.equal(sa.totals.flops, da.totals.flops - 2 * droppedMacs);
    const cut = (a: AnalysisJson) => a.cutPoints.find((c) => c.tensors.join() === 'block2.pool')?.headFlops!;
    assert.equal(cut(sa), cut(da) - 2 * droppedMacs);
    const text = await runCli('analyze', sparse);
    assert.match(text.stdout, /note: block2\.conv1: sparse 1\/4 \(channel mask, compact\): 288 of 1152 weights/);
  });

  it('train keeps the masks and the zeros; cut writes a compact head that verifies', async () => {
    const trained = join(dir, 'trained.onnx');
    const t = await runCli('train', sparse, '--data', 'mnist', '--limit', '256', '--test-limit', '64', '--epochs', '1', '--batch', '64', '-o', trained, '--json');
    assert.equal(t.code, EXIT.OK, t.stderr);
    const [before, after] = [readModel(sparse), readModel(trained)];
    assert.deepEqual(sparseRecords(after), sparseRecords(before));
    const [db, da] = [densify(before), densify(after)];
    for (const name of HEAD.map((n) => `${n}.weight`)) {
      const w0 = tensorValue(db.graph.initializer.find((x) => x.name === name)!).data;
      const w1 = tensorValue(da.graph.initializer.find((x) => x.name === name)!).data;
      let moved = 0;
      for (let i = 0; i < w0.length; i++) {
        assert.equal(w0[i] === 0, w1[i] === 0, `${name}[${i}]: the zero pattern changed`);
        if (w0[i] !== w1[i]) moved++;
      }
      assert.ok(moved > 0, `${name}: training moved no kept weight`);
    }
    const out = join(dir, 'cut');
    const c = await runCli('cut', trained, '--at', 'block2.pool', '-o', out, '--json');
    assert.equal(c.code, EXIT.OK, c.stderr);
    assert.equal((JSON.parse(c.stdout) as { verification: { ok: boolean } }).verification.ok, true);
    const head = readModel(join(out, 'head.onnx'));
    assert.deepEqual(presentRecords(head).map((x) => x.node), HEAD);
    assert.ok(head.graph.initializer.some((x) => x.name === 'block2.conv2.weight/values'));
    assert.ok(!head.graph.initializer.some((x) => x.name === 'block2.conv2.weight'));
    const denseOut = join(dir, 'dense-cut');
    assert.equal((await runCli('cut', dense, '--at', 'block2.pool', '-o', denseOut)).code, EXIT.OK);
    const [sparseHead, denseHead] = [statSync(join(out, 'head.onnx')).size, statSync(join(denseOut, 'head.onnx')).size];
    const headFloor = denseHead - 4 * (3 / 4) * (576 + 1152 + 2304);
    assert.ok(sparseHead > headFloor && sparseHead < headFloor + 3 * OVERHEAD_PER_LAYER, `head ${sparseHead} vs dense ${denseHead}`);
  });

  it('exits on the sparse model: exits add, their convs sparsified too, exits train keeps every mask and zero', async () => {
    const trained = join(dir, 'trained.onnx');
    const withExits = join(dir, 'exits.onnx');
    const a = await runCli('exits', 'add', trained, '--at', 'block1.pool', '--branch', 'conv', '-o', withExits, '--json');
    assert.equal(a.code, EXIT.OK, a.stderr);
    // The head's records travel with the model; the branch's conv takes its own mask.
    assert.deepEqual(presentRecords(readModel(withExits)).map((x) => x.node), HEAD);
    const sparseExits = join(dir, 'sparse-exits.onnx');
    const s = await runCli('sparsify', withExits, '--density', 'exit_0/conv=1/2', '--seed', '3', '-o', sparseExits, '--json');
    assert.equal(s.code, EXIT.OK, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout) as SparsifyJson).layers.map((l) => [l.node, l.form, l.density]), [['exit_0/conv', 'compact', 0.5]]);
    const out = join(dir, 'exits-trained.onnx');
    const t = await runCli('exits', 'train', sparseExits, '--data', 'mnist', '--limit', '256', '--test-limit', '64', '--epochs', '1', '--batch', '64', '-o', out, '--json');
    assert.equal(t.code, EXIT.OK, t.stderr);
    const [before, after] = [readModel(sparseExits), readModel(out)];
    assert.deepEqual(sparseRecords(after), sparseRecords(before));
    assert.deepEqual(presentRecords(after).map((x) => x.node), [...HEAD, 'exit_0/conv']);
    const [db, da] = [densify(before), densify(after)];
    const weight = (m: typeof db, name: string) => tensorValue(m.graph.initializer.find((x) => x.name === name)!).data;
    // The frozen backbone's sparse weights are bit-identical; the branch's kept weights moved, its zeros stayed.
    for (const n of HEAD) assert.deepEqual(weight(da, `${n}.weight`), weight(db, `${n}.weight`), n);
    const conv = da.graph.node.find((n) => n.name === 'exit_0/conv')!.input[1]!;
    const [w0, w1] = [weight(db, conv), weight(da, conv)];
    let zeros = 0;
    let moved = 0;
    for (let i = 0; i < w0.length; i++) {
      assert.equal(w0[i] === 0, w1[i] === 0, `${conv}[${i}]: the zero pattern changed`);
      if (w1[i] === 0) zeros++;
      else if (w0[i] !== w1[i]) moved++;
    }
    assert.equal(zeros, w0.length / 2);
    assert.ok(moved > 0, 'exits train moved no kept weight of the sparse branch');
  });

  it('--structured: groups per layer, 1/G of the FLOPs', async () => {
    const out = join(dir, 'structured.onnx');
    const r = await runCli('sparsify', dense, '--density', '1/4', '--head-of', 'block2.pool', '--structured', '-o', out, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    const j = JSON.parse(r.stdout) as SparsifyJson;
    assert.deepEqual(j.layers.map((l) => [l.form, l.groups]), [[null, null], ['structured', 4], ['structured', 4], ['structured', 4]]);
    const a = analysisOf((await runCli('analyze', out, '--json')).stdout);
    assert.match(a.nodes.find((n) => n.name === 'block2.conv2')?.note ?? '', /structured, 4 groups/);
    assert.equal(j.flops.output, a.totals.flops);
    // trained and cut like the compact form: grouped weights train, the head keeps its groups
    const trained = join(dir, 'structured-trained.onnx');
    const t = await runCli('train', out, '--data', 'mnist', '--limit', '128', '--test-limit', '64', '--epochs', '1', '--batch', '64', '-o', trained);
    assert.equal(t.code, EXIT.OK, t.stderr);
    assert.deepEqual(sparseRecords(readModel(trained)), sparseRecords(readModel(out)));
    const cutDir = join(dir, 'structured-cut');
    const c = await runCli('cut', trained, '--at', 'block2.pool', '-o', cutDir, '--json');
    assert.equal(c.code, EXIT.OK, c.stderr);
    const head = readModel(join(cutDir, 'head.onnx'));
    assert.deepEqual(presentRecords(head).map((x) => x.node), HEAD);
    assert.equal(head.graph.node.find((n) => n.name === 'block2.conv2')?.attribute.find((x) => x.name === 'group')?.i, 4);
  });

  it('per-layer densities select the layers', async () => {
    const out = join(dir, 'per-layer.onnx');
    const r = await runCli('sparsify', dense, '--density', 'fc1=1/8,block2.conv2=0.5', '-o', out, '--json');
    assert.equal(r.code, EXIT.OK, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as SparsifyJson).layers.map((l) => [l.node, l.density]), [['block2.conv2', 0.5], ['fc1', 0.125]]);
  });

  const refusals: [string, string[], RegExp][] = [
    ['a density no selected layer can take', ['--layers', 'block1.conv1'], /no selected layer can take a density below 1: "block1\.conv1" \(1 inputs, 8 outputs\)/],
    ['--exact with a layer that cannot take it', ['--head-of', 'block2.pool', '--exact'], /layer "block1\.conv1" .*cannot take density 1\/4 exactly: the workable densities are 1/],
    ['a layer that is not Conv/Gemm/MatMul', ['--layers', 'block1.bn1'], /layer "block1\.bn1" \(BatchNormalization\) cannot be made sparse: only Conv, Gemm and MatMul with constant weights/],
    ['a layer name that does not exist', ['--layers', 'block1.conv'], /no node named "block1\.conv"; Conv\/Gemm\/MatMul layers with close names: "block1\.conv1"/],
    ['--layers with --head-of', ['--layers', 'fc1', '--head-of', 'block2.pool'], /--layers and --head-of exclude each other/],
    ['--structured with --per-element', ['--structured', '--per-element'], /structured and perElement exclude each other/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what}: exit 2, the reason on stderr, nothing written`, async () => {
      const out = join(dir, 'refused.onnx');
      const r = await runCli('sparsify', dense, '--density', '1/4', ...args, '-o', out);
      assert.equal(r.code, EXIT.USAGE, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out));
    });
  }

  it('refuses a model sparse already, naming the layer and what to do; and bad densities', async () => {
    const out = join(dir, 'twice.onnx');
    const r = await runCli('sparsify', sparse, '--density', '1/2', '-o', out);
    assert.equal(r.code, EXIT.USAGE);
    assert.match(r.stderr, /layer "block1\.conv2" \(Conv\) cannot be made sparse: it is sparse already \(density 1\/4, seed 3, compact\); sparsify the dense model instead, or densify this one first/);
    assert.ok(!existsSync(out));
    for (const bad of ['0', '1.5', '3/2', 'fc1=0', 'a=1/4,a=1/2']) {
      const b = await runCli('sparsify', dense, '--density', bad, '-o', out);
      assert.equal(b.code, EXIT.USAGE, bad);
      assert.match(b.stderr, /--density must be a density in \(0, 1\]/, bad);
    }
    assert.ok(!existsSync(out));
  });
});
