import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { Session } from '../runtime/session.js';
import type { EdgeDType, EdgeRuntime, EdgeTensor, ModelRunner } from './runtime.js';

/** A session as the edge client sees it. */
class NodeRunner implements ModelRunner {
  constructor(private readonly session: Session) {}
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }
  async run(feeds: Readonly<Record<string, EdgeTensor>>): Promise<Record<string, EdgeTensor>> {
    const out = await this.session.run(feeds);
    const result: Record<string, EdgeTensor> = {};
    for (const [k, t] of Object.entries(out)) {
      if (Array.isArray(t.data)) throw new BadRequestError(`output "${k}" is a string tensor; the edge client handles numeric tensors only`);
      result[k] = { dtype: t.dtype as EdgeDType, dims: t.dims, data: t.data as EdgeTensor['data'] };
    }
    return result;
  }
  release(): Promise<void> {
    return this.session.release();
  }
}

/** The Node backend: onnxruntime-node through src/runtime/session.ts. */
export function nodeRuntime(options: { readonly threads?: number } = {}): EdgeRuntime {
  return {
    name: 'onnxruntime-node',
    load: async (model: Uint8Array) => new NodeRunner(await Session.fromModel(model, options.threads !== undefined ? { threads: options.threads } : {})),
  };
}

/** Convenience for Node callers holding a decoded model. */
export async function loadRunner(model: ModelProto | Uint8Array, options: { readonly threads?: number } = {}): Promise<ModelRunner> {
  return new NodeRunner(await Session.fromModel(model, options.threads !== undefined ? { threads: options.threads } : {}));
}
