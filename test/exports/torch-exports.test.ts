import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { referenceOutputs, verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { loadFixture, loadStrippedFixture, refillWeights } from '../../test-support/fixtures.js';

/**
 * Graphs exactly as torch.onnx (PyTorch 1.13, torchvision 0.14) wrote them, weights refilled
 * (test-fixtures/torch/export.py). Published MACs are torchvision's "GFLOPS" column, which
 * counts multiply-accumulates, given to two decimals.
 */
const EXPORTS: readonly { file: string; gmacs?: number }[] = [
  { file: 'alexnet-opset9.onnx', gmacs: 0.71 },
  { file: 'convnext_tiny-opset17.onnx', gmacs: 4.46 },
  { file: 'densenet121-opset12.onnx', gmacs: 2.83 },
  { file: 'efficientnet_b0-opset13.onnx', gmacs: 0.39 },
  { file: 'googlenet-opset11.onnx', gmacs: 1.5 },
  { file: 'mobilenet_v2-opset13.onnx', gmacs: 0.3 },
  { file: 'resnet18-opset17.onnx', gmacs: 1.81 },
  { file: 'resnet50-opset13.onnx', gmacs: 4.09 },
  { file: 'shufflenet_v2_x1_0-opset11.onnx', gmacs: 0.14 },
  { file: 'squeezenet1_1-opset9.onnx', gmacs: 0.35 },
  { file: 'vgg11_bn-opset10.onnx', gmacs: 7.61 },
  { file: 'view-flatten-opset11.onnx' },
  { file: 'vit_b_16-opset14.onnx', gmacs: 17.56 },
];

/**
 * Every cut with CLEAVE_FULL=1. By default the first, middle and last cut of models under 20M
 * weights; the heavy ones (ORT takes seconds per session on them) are analysed but not run.
 */
function sample<T>(xs: readonly T[], params: number): readonly T[] {
  if (process.env.CLEAVE_FULL === '1') return xs;
  if (params > 20e6) return [];
  if (xs.length <= 3) return xs;
  return [xs[0] as T, xs[Math.floor(xs.length / 2)] as T, xs[xs.length - 1] as T];
}

describe('real PyTorch exports', () => {
  for (const { file, gmacs } of EXPORTS) {
    it(`${file}: analysed without issues, MACs as published, cuts reproduce the model`, async (t) => {
      // Analysis needs no weight values; they are drawn only for the cuts that run in ORT.
      const model = loadStrippedFixture(`torch/${file}`);
      let analysis = analyze(graphFromModel(model), { batch: 1 });
      assert.deepEqual(analysis.issues, []);
      if (gmacs !== undefined) assert.ok(Math.abs(analysis.totals.macs / 1e9 - gmacs) <= 0.005 + 1e-9, `${(analysis.totals.macs / 1e9).toFixed(4)} GMACs, published ${gmacs}`);
      assert.ok(analysis.cutPoints.length >= 5, `only ${analysis.cutPoints.length} cut points`);
      const cuts = sample(analysis.cutPoints, analysis.totals.params);
      t.diagnostic(`${(analysis.totals.macs / 1e9).toFixed(3)} GMACs, ${analysis.cutPoints.length} cut points, ${cuts.length} verified`);
      if (cuts.length === 0) return;
      analysis = analyze(graphFromModel(refillWeights(model)), { batch: 1 });
      const expected = await referenceOutputs(analysis);
      for (const c of cuts) {
        const v = await verifyCut(analysis, cutModel(analysis, c.tensors), { expected });
        assert.ok(v.ok, `cut at ${c.tensors.join(',')}: relative error ${Math.max(...v.outputs.map((o) => o.relativeError))}`);
      }
    });
  }

  it('vit_b_16: shape arithmetic on the graph input that crosses the cut is stored, and the tail says its batch is fixed', async () => {
    const analysis = analyze(graphFromModel(loadStrippedFixture('torch/vit_b_16-opset14.onnx')), { batch: 2 });
    const parts = cutModel(analysis, analysis.cutPoints[0]?.tensors ?? []);
    assert.equal(parts.fixedBatch, 2);
    assert.ok(parts.storedValues.length > 0);
    const resnet = analyze(graphFromModel(loadStrippedFixture('torch/resnet18-opset17.onnx')), { batch: 2 });
    assert.equal(cutModel(resnet, resnet.cutPoints[3]?.tensors ?? []).fixedBatch, undefined);
  });

  it('view-flatten: the Shape->Gather->Unsqueeze->Concat->Reshape chain is folded and never a cut', () => {
    const analysis = analyze(graphFromModel(loadFixture('torch/view-flatten-opset11.onnx')), { batch: 3 });
    const folded = analysis.nodes.filter((n) => n.folded).map((n) => n.opType);
    for (const op of ['Shape', 'Gather', 'Unsqueeze', 'Concat']) assert.ok(folded.includes(op), `${op} not folded: ${folded}`);
    const reshape = analysis.nodes.find((n) => n.opType === 'Reshape');
    assert.deepEqual(reshape?.outputShapes[0], [3, 16 * 7 * 7]);
    const cutOps = analysis.cutPoints.map((c) => analysis.nodes.find((n) => n.outputs.includes(c.tensors[0]!))?.opType);
    assert.ok(!cutOps.includes('Shape') && !cutOps.includes('Concat'));
  });
});
