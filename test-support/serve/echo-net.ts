import { ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';

/**
 * A model that echoes one input per v2 datatype ORT handles, so protocol tests cover every
 * element type: BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64.
 */
export const ECHO_TYPES = [
  ['bool', 'BOOL', [2]], ['uint8', 'UINT8', [2, 2]], ['uint16', 'UINT16', [3]], ['uint32', 'UINT32', [2]],
  ['uint64', 'UINT64', [2]], ['int8', 'INT8', [2]], ['int16', 'INT16', [2]], ['int32', 'INT32', [2]],
  ['int64', 'INT64', [-1, 3]], ['float16', 'FP16', [4]], ['float32', 'FP32', [2, 2]], ['float64', 'FP64', [2]],
] as const;

export function echoNet(): ModelProto {
  const b = new ModelBuilder({ name: 'echo' });
  for (const [dtype, , shape] of ECHO_TYPES) {
    const dims = shape.map((d) => (d === -1 ? 'N' : d));
    const x = b.input(`in_${dtype}`, dtype, dims);
    b.output(b.node('Identity', [x], {}, `out_${dtype}`), dtype, dims);
  }
  return b.build();
}

/**
 * The model of the v2 spec's examples: "mymodel" with input0 UINT32 [2, 2] and input1 BOOL
 * [3]; output0 echoes input0, output1 is NOT input1.
 */
export function specExampleNet(): ModelProto {
  const b = new ModelBuilder({ name: 'mymodel' });
  const a = b.input('input0', 'uint32', [2, 2]);
  const c = b.input('input1', 'bool', [3]);
  b.output(b.node('Identity', [a], {}, 'output0'), 'uint32', [2, 2]);
  b.output(b.node('Not', [c], {}, 'output1'), 'bool', [3]);
  return b.build();
}
