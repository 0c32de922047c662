import { TooLargeError } from '../errors.js';
import type { Inference } from '../analysis/infer.js';
import type { Graph } from '../graph/graph.js';
import { byteSize, type TensorInfo } from '../graph/tensor-meta.js';

/**
 * The largest tensor cleave lets ONNX Runtime (or itself) allocate for work it starts on a
 * model: random inputs and every activation when it verifies a cut or profiles, Grad-CAM's
 * forward and backward tensors. 1 GiB holds VGG-16's largest activation at batch 80; a model
 * declaring an input of 32768x32768 (4 GiB a channel) is refused before anything is
 * allocated. The CLI raises it with --max-tensor-bytes.
 */
export const DEFAULT_MAX_TENSOR_BYTES = 2 ** 30;

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Refuses, before any allocation, work whose tensors (from declared input shapes and shape
 * inference) exceed `maxBytes` each. Strings count one byte an element (their size is data's).
 */
export function checkTensorSizes(tensors: Iterable<readonly [string, TensorInfo]>, maxBytes: number, work: string): void {
  for (const [name, info] of tensors) {
    const bytes = info.dtype === 'string' ? info.shape.reduce((a, b) => a * b, 1) : byteSize(info);
    if (bytes > maxBytes || !Number.isFinite(bytes)) {
      throw new TooLargeError(
        `${work}: tensor "${name}" of shape [${info.shape.join(', ')}] (${info.dtype}) would take ${mib(bytes)}, over the ${mib(maxBytes)} limit; ` +
          'give smaller input shapes (--input-shape, --batch) or raise the limit with --max-tensor-bytes if the machine has the memory',
      );
    }
  }
}

/**
 * `checkTensorSizes` on what running a graph allocates: its inputs and every computed tensor,
 * folded constants included (ORT computes those too); weights are in memory already.
 */
export function checkRunSizes(graph: Graph, inference: Inference, maxBytes: number, work: string): void {
  checkTensorSizes([...inference.tensors].filter(([name]) => !graph.initializers.has(name)), maxBytes, work);
}
