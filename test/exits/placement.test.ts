import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { exitSites, placeExits, placementTargets } from '../../src/exits/placement.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { loadStrippedFixture } from '../../test-support/fixtures.js';

describe('placementTargets', () => {
  it('linear: F (i+1)/(K+1); pareto: F (1 - 0.8^(i+1))', () => {
    assert.deepEqual(placementTargets(100, 3, 'linear'), [25, 50, 75]);
    const pareto = placementTargets(1000, 3, 'pareto');
    [200, 360, 488].forEach((v, i) => assert.ok(Math.abs(pareto[i]! - v) < 1e-9, `${pareto[i]} vs ${v}`));
  });
});

describe('placeExits', () => {
  const resnet = analyze(graphFromModel(loadStrippedFixture('torch/resnet18-opset17.onnx')));

  it('ResNet-18 export, 3 linear exits: the block ends nearest 25%, 50%, 75% of the FLOPs', () => {
    // Block ends (after the residual ReLU) sit at 19.3%, 32.1%, 42.0%, 54.7%, 64.6%, 77.3% ...
    assert.deepEqual(placeExits(resnet, { count: 3, placement: 'linear' }).map((s) => s.tensor), [
      '/layer1/layer1.0/relu_1/Relu_output_0', '/layer2/layer2.1/relu_1/Relu_output_0', '/layer3/layer3.1/relu_1/Relu_output_0',
    ]);
    // Pareto: 20%, 36%, 48.8% -> 19.3%, 32.1%, 54.7% (6.8 points from 42.0%, 5.9 from 54.7%).
    assert.deepEqual(placeExits(resnet, { count: 3, placement: 'pareto' }).map((s) => s.tensor), [
      '/layer1/layer1.0/relu_1/Relu_output_0', '/layer1/layer1.1/relu_1/Relu_output_0', '/layer2/layer2.1/relu_1/Relu_output_0',
    ]);
  });

  it('one exit goes to the layer end nearest the target, on every export', () => {
    for (const file of ['mobilenet_v2-opset13.onnx', 'googlenet-opset11.onnx', 'densenet121-opset12.onnx', 'squeezenet1_1-opset9.onnx']) {
      const a = analyze(graphFromModel(loadStrippedFixture(`torch/${file}`)));
      const sites = exitSites(a);
      // A layer end: no site after it with the same head MACs (nothing but cheap ops between them).
      const ends = sites.filter((s) => !sites.some((o) => o.headMacs === s.headMacs && o.headFlops > s.headFlops));
      const [chosen] = placeExits(a, { count: 1, placement: 'linear' });
      assert.ok(chosen && ends.some((e) => e.tensor === chosen.tensor), `${file}: ${chosen?.tensor} is no layer end`);
      const gap = (s: { headFlops: number }) => Math.abs(s.headFlops - a.totals.flops / 2);
      assert.ok(ends.every((s) => gap(chosen) <= gap(s)), `${file}: a layer end is nearer half the FLOPs than ${chosen.tensor}`);
    }
  });

  it('K exits are distinct layer ends in order of depth', () => {
    for (const placement of ['linear', 'pareto'] as const) {
      for (let k = 1; k <= 8; k++) {
        const sites = placeExits(resnet, { count: k, placement });
        assert.equal(new Set(sites.map((s) => s.headMacs)).size, k);
        sites.forEach((s, i) => i > 0 && assert.ok(s.headFlops > sites[i - 1]!.headFlops));
      }
    }
  });

  it('explicit tensors come back in order of depth', () => {
    const at = ['/layer3/layer3.1/relu_1/Relu_output_0', '/maxpool/MaxPool_output_0'];
    assert.deepEqual(placeExits(resnet, { at }).map((s) => s.tensor), [...at].reverse());
  });
});
