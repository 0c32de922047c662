import { ModelBuilder } from '../src/graph/builder.js';
import type { ModelProto } from '../src/onnx/types.js';

/** input -> conv -> relu -> [conv -> relu -> conv] + skip -> relu -> conv: one residual block. */
export function residualNet(): ModelProto {
  const b = new ModelBuilder({ seed: 3, name: 'residual' });
  const x = b.input('input', 'float32', ['N', 3, 8, 8]);
  const c1 = b.node('Conv', [x, b.param('w1', [4, 3, 3, 3]), b.param('b1', [4])], { pads: [1, 1, 1, 1] }, 'conv1');
  const r1 = b.node('Relu', [c1], {}, 'relu1');
  const c2 = b.node('Conv', [r1, b.param('w2', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] }, 'block.conv_a');
  const r2 = b.node('Relu', [c2], {}, 'block.relu_a');
  const c3 = b.node('Conv', [r2, b.param('w3', [4, 4, 3, 3])], { pads: [1, 1, 1, 1] }, 'block.conv_b');
  const s = b.node('Add', [c3, r1], {}, 'block.add');
  const r3 = b.node('Relu', [s], {}, 'block.relu');
  const y = b.node('Conv', [r3, b.param('w4', [2, 4, 8, 8])], {}, 'head_conv');
  b.output(y);
  return b.build();
}
