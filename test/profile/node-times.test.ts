import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, type Analysis } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { cutLatencies } from '../../src/profile/cut-latency.js';
import { nodeForKernel } from '../../src/profile/node-times.js';
import { opClassOf } from '../../src/profile/op-class.js';
import { type ModelProfile, pickCuts, profileModel, withUniqueNodeNames } from '../../src/profile/profile-model.js';
import { quantile, summarize } from '../../src/net/stats.js';
import { loadFixture } from '../../test-support/fixtures.js';
import { residualNet } from '../../test-support/tiny-models.js';

const FAST = { warmup: 1, repeats: 3, threads: 1 } as const;

describe('summarize', () => {
  it('gives median, p10/p90 and MAD of the samples', () => {
    const s = summarize([5, 1, 4, 2, 3, 100]);
    assert.equal(s.medianMs, 3.5);
    assert.equal(s.minMs, 1);
    assert.equal(s.maxMs, 100);
    assert.equal(s.samples, 6);
    assert.equal(s.madMs, 1.5); // deviations 0.5 0.5 1.5 1.5 2.5 96.5
    assert.equal(quantile([0, 10], 0.1), 1);
    assert.equal(s.p90Ms, 52.5);
    assert.deepEqual(summarize([]), { medianMs: 0, p10Ms: 0, p90Ms: 0, madMs: 0, minMs: 0, maxMs: 0, samples: 0 });
  });
});

describe('kernel names and op classes', () => {
  it('maps ORT-renamed kernels back to the node name', () => {
    const byName = new Map([['layer1.0.conv1', 0], ['relu', 1]]);
    assert.equal(nodeForKernel('layer1.0.conv1', byName), 0);
    assert.equal(nodeForKernel('relu_nchwc', byName), 1);
    assert.equal(nodeForKernel('relu_token_3', byName), 1);
    assert.equal(nodeForKernel('ReorderOutput', byName), undefined);
    // torch.onnx names: NCHWc kernels carry the output tensor's name; fusions append a path.
    const torch = new Map([['/layer1/Conv', 2], ['/act/Mul', 3]]);
    const producer = new Map([['/layer1/Relu_output_0', 4]]);
    assert.equal(nodeForKernel('/layer1/Relu_output_0_nchwc', torch, producer), 4);
    assert.equal(nodeForKernel('/act/Mul/QuickGeluFusion/', torch, producer), 3);
    assert.equal(nodeForKernel('/other/Mul/QuickGeluFusion/', torch, producer), undefined);
  });

  it('classes convolutions, dense products and the rest', () => {
    assert.deepEqual(['Conv', 'FusedConv', 'Gemm', 'MatMul', 'Relu', 'MaxPool', 'Add'].map(opClassOf), ['conv', 'conv', 'gemm', 'gemm', 'elementwise', 'elementwise', 'elementwise']);
  });

  it('makes node names unique before profiling', () => {
    const m = residualNet();
    for (const n of m.graph.node) n.name = 'same';
    const a = analyze(graphFromModel(m));
    const { model, names } = withUniqueNodeNames(a);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(model.graph.node.map((n) => n.name), names);
  });

  it('picks cuts spread over the list', () => {
    const a = analyze(graphFromModel(residualNet()));
    assert.ok(a.cutPoints.length >= 3);
    assert.equal(pickCuts(a.cutPoints, 'all').length, a.cutPoints.length);
    assert.equal(pickCuts(a.cutPoints, 0).length, 0);
    const two = pickCuts(a.cutPoints, 2);
    assert.equal(two.length, 2);
    assert.notEqual(two[0], two[1]);
  });
});

describe('profileModel', () => {
  let analysis: Analysis;
  let profile: ModelProfile;
  before(async () => {
    const m: ModelProto = residualNet();
    // An unnamed node (relu1) still gets a time, under cleave's name for it.
    for (const n of m.graph.node) if (n.name === 'relu1') n.name = '';
    analysis = analyze(graphFromModel(m), { batch: 2 });
    profile = await profileModel(analysis, { ...FAST, measureCuts: 2 });
  });

  it('gives every ONNX node a latency >= 0 under its own name, nothing unmapped', () => {
    assert.equal(profile.perNode.nodes.length, analysis.nodes.length);
    profile.perNode.nodes.forEach((n, i) => {
      assert.equal(n.name, analysis.nodes[i]?.name);
      assert.ok(n.measured, `${n.name} has a kernel`);
      assert.deepEqual(n.kernels, [n.name]);
      assert.ok(n.stats.medianMs >= 0 && n.stats.p10Ms <= n.stats.medianMs && n.stats.medianMs <= n.stats.p90Ms);
      assert.equal(n.stats.samples, FAST.repeats);
    });
    assert.ok(profile.perNode.nodes.some((n) => n.name === 'Relu_1'));
    assert.deepEqual(profile.perNode.unmapped, []);
    assert.equal(profile.perNode.runs, FAST.repeats);
    assert.ok(profile.endToEnd.optimized.medianMs > 0 && profile.endToEnd.unoptimized.medianMs > 0);
    assert.ok(profile.overheadRatio > 0);
  });

  it('head + tail node sums equal the total node sum for every cut', () => {
    assert.equal(profile.cuts.length, analysis.cutPoints.length);
    const total = profile.perNode.nodeSumMs;
    for (const c of profile.cuts) {
      assert.ok(Math.abs(c.headMs + c.tailMs - total) <= 1e-9 * Math.max(1, total), `${c.tensors.join()}: ${c.headMs} + ${c.tailMs} vs ${total}`);
      assert.ok(c.headMs >= 0 && c.tailMs >= 0);
      const fusedTotal = profile.optimized.nodeMs.reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(c.optimizedHeadMs + c.optimizedTailMs - fusedTotal) <= 1e-9 * Math.max(1, fusedTotal));
    }
    // Heads grow along the topological order, so head sums never decrease along a chain of cuts.
    const byName = new Map(profile.cuts.map((c) => [c.tensors.join(), c.headMs]));
    assert.ok(byName.get('relu1')! <= byName.get('block.relu')!);
    const measured = profile.cuts.filter((c) => c.measured);
    assert.equal(measured.length, 2);
    for (const { measured: mc } of measured) assert.ok(mc && mc.head.samples === FAST.repeats && mc.tail.medianMs > 0);
  });

  it('cutLatencies sums any per-node vector by the head each cut implies', () => {
    const ones = analysis.nodes.map(() => 1);
    for (const c of cutLatencies(analysis, ones)) {
      const point = analysis.cutPoints.find((p) => p.tensors.join() === c.tensors.join());
      assert.equal(c.headMs + c.tailMs, analysis.nodes.length);
      assert.ok(c.headMs >= (point?.headLayers ?? 0));
    }
  });

  it('with full optimisation, fused Conv+BN+Relu kernels map to the Conv and BN counts as fused away', async () => {
    const m = buildModel('resnet18', { inputSize: 32, width: 0.25 });
    const a = analyze(graphFromModel(m));
    const p = await profileModel(a, { ...FAST, repeats: 2, measureCuts: 0 });
    const fused = new Set(p.optimized.fusedAway);
    for (const n of a.nodes) {
      if (n.opType === 'Conv') assert.ok(!fused.has(n.name), `${n.name} keeps a kernel`);
      if (n.opType === 'BatchNormalization') assert.ok(fused.has(n.name), `${n.name} is fused`);
    }
    assert.ok(p.optimized.mappedMs > 0);
    assert.ok(p.perNode.nodes.every((n) => n.measured));
  });

  it('maps the fused kernels of a real torch.onnx export (tensor-named NCHWc kernels): only layout kernels stay unmapped', async () => {
    const a = analyze(graphFromModel(loadFixture('torch/squeezenet1_1-opset9.onnx')));
    const p = await profileModel(a, { warmup: 0, repeats: 1, threads: 1, measureCuts: 0 });
    assert.ok(p.perNode.nodes.every((n) => n.measured));
    assert.deepEqual(p.perNode.unmapped, []);
    assert.deepEqual(p.optimized.unmapped.filter((u) => !/^Reorder(Input|Output)$/.test(u.opType)), []);
    const convs = a.nodes.filter((n) => n.opType === 'Conv');
    assert.ok(convs.every((n) => !p.optimized.fusedAway.includes(n.name)), 'every Conv keeps its (fused) kernel');
  });
});
