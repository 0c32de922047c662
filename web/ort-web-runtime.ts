import * as ort from 'onnxruntime-web/wasm';
import type { EdgeDType, EdgeRuntime, EdgeTensor, ModelRunner } from 'cleave/edge';

/**
 * The browser backend of the edge runtime: onnxruntime-web on WebAssembly, its .wasm files
 * served by cleave itself under `wasmBase` (no CDN). One thread: threads need cross-origin
 * isolation, which a plain page does not have.
 */
export function webRuntime(wasmBase: string): EdgeRuntime {
  ort.env.wasm.wasmPaths = wasmBase;
  ort.env.wasm.numThreads = 1;
  return {
    name: 'onnxruntime-web',
    async load(model: Uint8Array): Promise<ModelRunner> {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
      return {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        async run(feeds: Readonly<Record<string, EdgeTensor>>): Promise<Record<string, EdgeTensor>> {
          const input: Record<string, ort.Tensor> = {};
          for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor(t.dtype, t.data as Float32Array, [...t.dims]);
          const out = await session.run(input);
          const result: Record<string, EdgeTensor> = {};
          for (const [k, t] of Object.entries(out)) result[k] = { dtype: t.type as EdgeDType, dims: [...t.dims], data: t.data as Float32Array };
          return result;
        },
        release: () => session.release(),
      };
    },
  };
}
