import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGradientModel } from '../../src/autodiff/backward.js';
import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import { checkOpGradient, describeChecks, gradChecksPass } from '../../test-support/autodiff/grad-check.js';

async function expectClose(...args: Parameters<typeof checkOpGradient>): Promise<void> {
  const checks = await checkOpGradient(...args);
  assert.ok(checks.length > 0);
  assert.ok(gradChecksPass(checks), describeChecks(checks));
}

/** Op types of the nodes Conv's gradient rule emits for x [xShape] and w [wShape]. */
function gradientOps(xShape: readonly number[], wShape: readonly number[], attrs: Readonly<Record<string, AttrValue>>): { dx: string[]; dw: string[] } {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input('x', 'float32', xShape);
  const w = b.input('w', 'float32', wShape);
  b.output(b.node('Conv', [x, w], attrs, 'conv'));
  const model = b.build();
  const ops = (wrt: string) => buildGradientModel(model, { of: 'conv', wrt: [wrt] }).model.graph.node.filter((n) => n.name.startsWith('conv/grad/')).map((n) => n.opType);
  return { dx: ops('x'), dw: ops('w') };
}

// Batches of 16 and more take the batch-wide im2col (Gather) + GEMM formulations.
describe('Conv gradients as batch-wide im2col GEMMs against finite differences', () => {
  it('the GEMM formulations are the ones emitted at batch 16: dW for small outputs, dX for long reductions or small outputs', () => {
    const small = gradientOps([16, 16, 9, 9], [4, 16, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(small.dw.includes('Gather') && small.dw.includes('MatMul') && !small.dw.includes('Conv'), small.dw.join(' '));
    assert.ok(small.dx.includes('Conv') && !small.dx.includes('Gather'), small.dx.join(' '));
    const wide = gradientOps([16, 16, 9, 9], [128, 16, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(wide.dx.includes('Gather') && wide.dx.includes('MatMul') && !wide.dx.includes('Conv'), wide.dx.join(' '));
    const tiny = gradientOps([16, 16, 6, 6], [4, 16, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(tiny.dx.includes('Gather') && !tiny.dx.includes('Conv'), tiny.dx.join(' '));
    const pointwise = gradientOps([16, 32, 4, 3], [3, 32, 1, 1], {});
    const firstLayer = gradientOps([16, 1, 28, 28], [32, 1, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(!firstLayer.dw.includes('Gather'), `patches of 9 rows keep the per-sample form: ${firstLayer.dw.join(' ')}`);
    const large = gradientOps([16, 32, 28, 28], [32, 32, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(!large.dw.includes('Gather'), `784 positions keep the per-sample form: ${large.dw.join(' ')}`);
    assert.ok(!pointwise.dw.includes('Gather') && pointwise.dw.includes('MatMul'), pointwise.dw.join(' '));
    const batch2 = gradientOps([2, 16, 5, 5], [128, 16, 3, 3], { pads: [1, 1, 1, 1] });
    assert.ok(!batch2.dx.includes('Gather') && !batch2.dw.includes('Gather'), 'small batches keep the Conv formulations');
    const few = gradientOps([16, 6, 14, 14], [16, 6, 5, 5], {});
    assert.ok(few.dx.includes('ConvTranspose') && !few.dx.includes('Gather'), `few input channels: ${few.dx.join(' ')}`);
  });

  it('dW: pads 1, and strides, asymmetric pads and dilation', async () => {
    await expectClose('Conv', [{ shape: [16, 4, 6, 6] }, { shape: [4, 4, 3, 3] }, { shape: [4] }], { pads: [1, 1, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 6, 9, 8] }, { shape: [3, 6, 3, 2] }], { strides: [2, 3], pads: [1, 0, 2, 1], dilations: [2, 1] });
  });

  it('dW: 1-d, 3-d, 1x1 (no gather), 16x16, and opset 10 (Pad pads as an attribute)', async () => {
    await expectClose('Conv', [{ shape: [16, 32, 4, 3] }, { shape: [3, 32, 1, 1] }, { shape: [3] }]);
    await expectClose('Conv', [{ shape: [16, 4, 16, 16] }, { shape: [3, 4, 3, 3] }], { pads: [1, 1, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 12, 10] }, { shape: [2, 12, 3] }], { strides: [2], pads: [1, 0] });
    await expectClose('Conv', [{ shape: [16, 3, 4, 3, 4] }, { shape: [2, 3, 2, 2, 3] }], { pads: [1, 0, 1, 0, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 4, 6, 6] }, { shape: [4, 4, 3, 3] }], { pads: [1, 1, 1, 1] }, { opset: 10 });
  });

  it('dX: flipped taps in the gather index, with dilation and uneven pads; small outputs', async () => {
    await expectClose('Conv', [{ shape: [16, 16, 6, 6] }, { shape: [4, 16, 3, 3] }], { pads: [1, 1, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 16, 9, 9] }, { shape: [128, 16, 3, 3] }, { shape: [128] }], { pads: [1, 1, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 16, 7, 6] }, { shape: [8, 16, 3, 3] }], { dilations: [2, 1], pads: [2, 0, 1, 1] });
    await expectClose('Conv', [{ shape: [16, 16, 5, 5] }, { shape: [128, 16, 3, 3] }], { pads: [1, 1, 1, 1] }, { opset: 10 });
  });

  it('dX of few input channels: ConvTranspose at stride 1', async () => {
    await expectClose('Conv', [{ shape: [16, 6, 14, 14] }, { shape: [16, 6, 5, 5] }, { shape: [16] }]);
  });
});
