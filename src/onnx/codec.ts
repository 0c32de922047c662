import protobuf from 'protobufjs';
import { BadModelError } from '../errors.js';
import { ONNX_PROTO } from './onnx-proto.js';
import type { ModelProto } from './types.js';

// int64 fields decode to plain numbers: without Long, protobufjs reads them as JS numbers.
// Every int64 in ONNX we use (dims, attributes, versions) fits well inside 2^53.
protobuf.util.Long = undefined as unknown as typeof protobuf.util.Long;
protobuf.configure();

const root = protobuf.parse(ONNX_PROTO, { keepCase: false }).root;
const ModelType = root.lookupType('onnx.ModelProto');

/**
 * Decodes an ONNX ModelProto. Byte fields (`rawData`) are views into `bytes`, so decoding a
 * 100 MB model allocates little beyond the message tree; keep `bytes` alive while it is used.
 */
export function decodeModel(bytes: Uint8Array, what = 'model'): ModelProto {
  let decoded: unknown;
  try {
    decoded = ModelType.decode(bytes);
  } catch (e) {
    // protobufjs refuses messages nested deeper than protoc's default limit instead of
    // recursing into them (If/Loop bodies inside each other, or nested sequence types).
    if ((e as Error).message === 'max depth exceeded') {
      throw new BadModelError(`${what} nests messages (subgraphs inside subgraphs, or nested types) more than ${protobuf.util.recursionLimit} levels deep, over protobuf's default limit`);
    }
    throw new BadModelError(`${what} is not a valid ONNX file (${(e as Error).message}); expected a ModelProto as written by torch.onnx, tf2onnx or onnx.save`);
  }
  const model = decoded as ModelProto;
  if (!model.graph || (model.graph.node.length === 0 && model.graph.output.length === 0)) {
    throw new BadModelError(`${what} has no graph: it is not an ONNX model, or it is truncated`);
  }
  if (!model.opsetImport || model.opsetImport.length === 0) {
    throw new BadModelError(`${what} declares no opset_import: not a valid ONNX model`);
  }
  return model;
}

/** Encodes a model to its ONNX bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  return ModelType.encode(model as unknown as protobuf.Message).finish();
}
