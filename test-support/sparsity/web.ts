import * as ort from 'onnxruntime-web';
import type { RunTensor } from '../../src/runtime/session.js';

/**
 * Runs a model with onnxruntime-web's WebAssembly backend inside Node (one thread), as the
 * browser edge client would: the check that a stored form loads there too.
 */
export async function runWeb(bytes: Uint8Array, feeds: Readonly<Record<string, RunTensor>>): Promise<Record<string, Float32Array>> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const input: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor('float32', t.data as Float32Array, [...t.dims]);
    const out = await session.run(input);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  } finally {
    await session.release();
  }
}
