import { buildGradientModel } from '../../src/autodiff/backward.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';

/**
 * Grad-CAM computed in JS from A and dy_c/dA of a plain gradient model (no Grad-CAM graph, no
 * rewrites): ReLU(sum_k mean(dy_c/dA_k) A_k) per sample, for the classes `cls`. The model's
 * image input is `input` and its scores `logits` ([N, classes]).
 */
export async function referenceCam(model: ModelProto, x: RunTensor, layer: string, cls: readonly number[], classes: number): Promise<Float32Array> {
  const n = x.dims[0]!;
  const g = buildGradientModel(model, { seeds: [{ tensor: 'logits', grad: 'seed' }], wrt: [layer], outputs: [layer], binding: { batch: n } });
  const seed = new Float32Array(n * classes);
  cls.forEach((c, i) => { seed[i * classes + c] = 1; });
  const s = await Session.fromModel(g.model, { threads: 1 });
  const out = await s.run({ input: x, seed: { dtype: 'float32', dims: [n, classes], data: seed } });
  await s.release();
  const a = out[layer]!;
  const da = out[g.grads.get(layer)!]?.data as Float32Array;
  const [, k, h, w] = a.dims as [number, number, number, number];
  const cam = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < k; ch++) {
      let alpha = 0;
      for (let p = 0; p < h * w; p++) alpha += da[(i * k + ch) * h * w + p]!;
      alpha /= h * w;
      for (let p = 0; p < h * w; p++) cam[i * h * w + p] = cam[i * h * w + p]! + alpha * (a.data as Float32Array)[(i * k + ch) * h * w + p]!;
    }
  }
  return cam.map((v) => Math.max(0, v));
}
