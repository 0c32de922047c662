import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { BadRequestError } from '../../src/errors.js';
import { addExits } from '../../src/exits/add.js';
import { EXITS_METADATA_KEY, insertExits, type ModelWithExits } from '../../src/exits/insert.js';
import { exitSites, MAX_EXITS } from '../../src/exits/placement.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { encodeModel } from '../../src/onnx/codec.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { Session } from '../../src/runtime/session.js';
import { loadFixture, loadStrippedFixture } from '../../test-support/fixtures.js';

/** Small builder models with BatchNorm statistics that are not the identity. */
const BUILDER = [
  ['small-vgg', () => buildModel('small-vgg', { batchNorm: 'seeded' })],
  ['lenet', () => buildModel('lenet')],
  ['resnet18 (width 1/4, 64 px)', () => buildModel('resnet18', { batchNorm: 'seeded', inputSize: 64, width: 0.25, numClasses: 10 })],
  ['mobilenetv2 (width 1/2, 64 px)', () => buildModel('mobilenetv2', { batchNorm: 'seeded', inputSize: 64, width: 0.5, numClasses: 10 })],
] as const satisfies readonly (readonly [string, () => ModelProto])[];

/** The model with exits analyses cleanly; each branch's MACs are the hand count; each exit is [1, classes]. */
function checkStructure(added: ModelWithExits): void {
  const analysis = analyze(graphFromModel(added.model), { batch: 1 });
  assert.deepEqual(analysis.issues, []);
  for (const e of added.exits) {
    assert.deepEqual(analysis.inference.tensors.get(e.output)?.shape, [1, added.classes]);
    const macs = analysis.nodes.filter((n) => n.name.startsWith(`exit_${e.index}/`)).reduce((s, n) => s + n.macs, 0);
    assert.equal(macs, e.branchMacs, `${e.output}: MACs`);
  }
  assert.deepEqual(added.model.graph.output.slice(0, -added.exits.length).map((o) => o.name), [added.mainOutput]);
}

describe('addExits on cleave\'s builder models', () => {
  for (const [name, build] of BUILDER) {
    it(`${name}: 3 linear bn-gap exits and 2 pareto conv exits; original output bit-identical, exits [N, classes]`, async () => {
      const model = build();
      for (const [where, branch] of [[{ count: 3, placement: 'linear' }, 'bn-gap'], [{ count: 2, placement: 'pareto' }, 'conv']] as const) {
        const added = await addExits(model, where, { branch });
        assert.equal(added.verification.bitIdentical, true);
        assert.ok(added.verification.optimisedRelativeError <= 1e-6);
        assert.equal(added.exits.length, where.count);
        for (const e of added.exits) assert.deepEqual(added.verification.exitShapes[e.output], [2, added.classes]);
        checkStructure(added);
      }
    });
  }

  it('every exit site of small-vgg and MobileNetV2 at once: the branches never disturb the backbone', async () => {
    for (const [, build] of [BUILDER[0], BUILDER[3]] as const) {
      const model = build();
      const sites = exitSites(analyze(graphFromModel(model))).map((s) => s.tensor);
      for (let from = 0; from < sites.length; from += MAX_EXITS) {
        const added = await addExits(model, { at: sites.slice(from, from + MAX_EXITS) });
        assert.equal(added.verification.bitIdentical, true);
        assert.ok(added.verification.optimisedRelativeError <= 1e-6);
      }
    }
  });

  it('a conv output read only by its BatchNormalization is refused, pointing at the BN output', () => {
    const model = buildModel('small-vgg', { batchNorm: 'seeded' });
    assert.throws(() => insertExits(model, { at: ['block1.conv1'] }), (e: unknown) => e instanceof BadRequestError && /read only by BatchNormalization .* put the exit on its output "block1.bn1"/.test(e.message) && /Tensors that would work: .*block1\.bn1/.test(e.message));
  });

  it('same seed, same bytes; another seed, other weights; the exits recorded in the metadata', () => {
    const model = buildModel('lenet');
    const a = insertExits(model, { count: 2, placement: 'linear' }, { seed: 5 });
    const b = insertExits(model, { count: 2, placement: 'linear' }, { seed: 5 });
    const c = insertExits(model, { count: 2, placement: 'linear' }, { seed: 6 });
    assert.deepEqual(encodeModel(a.model), encodeModel(b.model));
    assert.notDeepEqual(encodeModel(a.model), encodeModel(c.model));
    const meta = a.model.metadataProps?.find((m) => m.key === EXITS_METADATA_KEY);
    assert.deepEqual(JSON.parse(meta?.value ?? '[]'), a.exits.map((e) => ({ output: e.output, at: e.at, branch: 'bn-gap' })));
  });

  it('a vector [N, F] gets a Gemm alone, for either branch kind', () => {
    const model = buildModel('lenet');
    const vector = exitSites(analyze(graphFromModel(model))).find((s) => s.shape.length === 1);
    assert.ok(vector);
    for (const branch of ['bn-gap', 'conv'] as const) {
      const added = insertExits(model, { at: [vector.tensor] }, { branch });
      const ops = added.model.graph.node.filter((n) => n.name.startsWith('exit_0/')).map((n) => n.opType);
      assert.deepEqual(ops, ['Gemm']);
      assert.equal(added.exits[0]?.branchMacs, 10 * vector.shape[0]!);
    }
  });

  it('the branches: BN -> GAP -> Flatten -> Gemm, and Conv 3x3 -> ReLU -> MaxPool first for "conv"', () => {
    const model = buildModel('lenet');
    const ops = (branch: 'bn-gap' | 'conv') => insertExits(model, { at: ['pool1'] }, { branch }).model.graph.node.filter((n) => n.name.startsWith('exit_0/')).map((n) => n.opType);
    assert.deepEqual(ops('bn-gap'), ['BatchNormalization', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    assert.deepEqual(ops('conv'), ['Conv', 'Relu', 'MaxPool', 'BatchNormalization', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    // pool1 is [6, 14, 14]: conv 6 x 6 x 9 x 14 x 14 MACs, then the Gemm 10 x 6.
    assert.equal(insertExits(model, { at: ['pool1'] }, { branch: 'conv' }).exits[0]?.branchMacs, 6 * 6 * 9 * 14 * 14 + 60);
  });


  it('an opset-8, IR-3 model (initializers listed as inputs, as old exporters did): the branch weights are listed too, and ORT runs it', async () => {
    const b = new ModelBuilder({ opset: 8 });
    const x = b.input('x', 'float32', ['N', 3, 8, 8]);
    const c = b.node('Relu', [b.node('Conv', [x, b.param('w', [4, 3, 3, 3]), b.param('bias', [4], { kind: 'const', value: 0.1 })], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv')], {}, 'relu');
    const f = b.node('Flatten', [b.node('GlobalAveragePool', [c], {}, 'gap')], { axis: 1 }, 'flat');
    b.output(b.node('Gemm', [f, b.param('fc.w', [5, 4]), b.param('fc.b', [5])], { transB: 1 }, 'logits'), 'float32', ['N', 5]);
    const old = b.build();
    old.irVersion = 3;
    old.graph.input.push(...old.graph.initializer.map((t) => ({ name: t.name, type: { tensorType: { elemType: 1, shape: { dim: t.dims.map((d) => ({ dimValue: d })) } } } })));
    const added = await addExits(old, { at: ['relu'] }, { branch: 'conv' });
    assert.equal(added.verification.bitIdentical, true);
    const inputs = new Set(added.model.graph.input.map((v) => v.name));
    assert.ok(added.model.graph.initializer.every((t) => inputs.has(t.name)));
  });
});

describe('insertExits: bad requests say what would work', () => {
  it('a tensor that is not a cut point lists the tensors that are', () => {
    const model = loadStrippedFixture('torch/resnet18-opset17.onnx');
    assert.throws(() => insertExits(model, { at: ['/layer1/layer1.0/conv1/Conv_output_0'] }), (e: unknown) =>
      e instanceof BadRequestError && /not a single-tensor cut point/.test(e.message) && /Tensors that would work: .*\/layer1\/layer1.0\/relu_1\/Relu_output_0 \[64x56x56\]/.test(e.message));
  });

  it('a tensor that is not a map or a vector (ViT tokens) lists the map and the vector that work', () => {
    const model = loadStrippedFixture('torch/vit_b_16-opset14.onnx');
    const tokens = analyze(graphFromModel(model)).cutPoints.find((c) => c.tensors.length === 1 && c.tensors[0]?.includes('encoder'))?.tensors[0]!;
    assert.throws(() => insertExits(model, { at: [tokens] }), (e: unknown) =>
      e instanceof BadRequestError && /not a float \[N, C, H, W\] map or \[N, F\] vector/.test(e.message) && /\/conv_proj\/Conv_output_0 \[768x14x14\]/.test(e.message) && /\[768\]/.test(e.message));
  });

  it('unknown tensor, duplicates, too many exits, several outputs, an old opset', () => {
    const model = buildModel('lenet');
    assert.throws(() => insertExits(model, { at: ['nope'] }), /"nope": it is no tensor of the model/);
    assert.throws(() => insertExits(model, { at: ['pool1', 'pool1'] }), /listed twice/);
    assert.throws(() => insertExits(model, { count: 40, placement: 'linear' }), /from 1 to 32/);
    assert.throws(() => insertExits(model, { count: 20, placement: 'linear' }), /fewer than the 20 asked for/);
    const two = { ...model, graph: { ...model.graph, output: [...model.graph.output, { ...model.graph.output[0], name: 'pool1' }] } } as ModelProto;
    assert.throws(() => insertExits(two, { count: 1, placement: 'linear' }), /2 outputs \(logits, pool1\); name the classifier output/);
    assert.equal(insertExits(two, { count: 1, placement: 'linear' }, { output: 'logits' }).classes, 10);
    const b = new ModelBuilder({ opset: 6 });
    const x = b.input('x', 'float32', ['N', 4]);
    b.output(b.node('Relu', [x]), 'float32', ['N', 4]);
    assert.throws(() => insertExits(b.build(), { count: 1, placement: 'linear' }), /opset >= 7/);
  });
});

/**
 * Exports as torch.onnx wrote them (test-fixtures/torch), weights refilled. ORT checks the ones
 * under 20M weights (seconds each); the heavy ones are built and analysed, and run too with
 * CLEAVE_FULL=1.
 */
const EXPORTS = [
  'alexnet-opset9.onnx', 'convnext_tiny-opset17.onnx', 'densenet121-opset12.onnx', 'efficientnet_b0-opset13.onnx',
  'googlenet-opset11.onnx', 'mobilenet_v2-opset13.onnx', 'resnet18-opset17.onnx', 'resnet50-opset13.onnx',
  'shufflenet_v2_x1_0-opset11.onnx', 'squeezenet1_1-opset9.onnx', 'vgg11_bn-opset10.onnx', 'view-flatten-opset11.onnx', 'vit_b_16-opset14.onnx',
];

describe('addExits on real PyTorch exports', () => {
  for (const file of EXPORTS) {
    it(`${file}: exits placed by FLOPs, original output unchanged in ORT`, async (t) => {
      const stripped = loadStrippedFixture(`torch/${file}`);
      const where = { count: 2, placement: 'pareto' } as const;
      const added = insertExits(stripped, where);
      checkStructure(added);
      const params = analyze(graphFromModel(stripped)).totals.params;
      t.diagnostic(added.exits.map((e) => `${e.at} (${(100 * e.headFraction).toFixed(1)}% of FLOPs)`).join(', '));
      if (params > 20e6 && process.env.CLEAVE_FULL !== '1') return;
      const checked = await addExits(loadFixture(`torch/${file}`), where, { branch: 'conv' });
      assert.equal(checked.verification.bitIdentical, true);
      assert.ok(checked.verification.optimisedRelativeError <= 1e-6);
    });
  }

  it('the models with exits load in ORT and give one output per exit', async () => {
    const added = insertExits(loadFixture('torch/squeezenet1_1-opset9.onnx'), { count: 3, placement: 'linear' });
    const session = await Session.fromModel(added.model);
    try {
      assert.deepEqual(session.outputNames, ['output', 'exit_0_logits', 'exit_1_logits', 'exit_2_logits']);
    } finally {
      await session.release();
    }
  });
});
