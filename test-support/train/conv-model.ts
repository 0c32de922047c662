import { type AttrValue, ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';

/** x -> Conv(x, w[, b]) -> Relu, with the weights as graph inputs as in a training step. */
export function convModel(x: readonly number[], w: readonly number[], attrs: Readonly<Record<string, AttrValue>>, bias: boolean): ModelProto {
  const b = new ModelBuilder({ opset: 17 });
  const inputs = [b.input('x', 'float32', x), b.input('w', 'float32', w)];
  if (bias) inputs.push(b.input('b', 'float32', [w[0] as number]));
  b.output(b.node('Relu', [b.node('Conv', inputs, attrs, 'conv')], {}, 'relu'));
  return b.build();
}

/** The model's first output, run once in a fresh session. */
export async function runFirstOutput(model: ModelProto, feeds: Record<string, RunTensor>): Promise<Float32Array> {
  const s = await Session.fromModel(model);
  const out = await s.run(feeds);
  await s.release();
  return Object.values(out)[0]?.data as Float32Array;
}
