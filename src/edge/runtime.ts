/**
 * What the edge client needs from an inference engine, small enough that onnxruntime-node
 * (Node) and onnxruntime-web (browser) both fit behind it. The client itself imports neither,
 * so the browser bundle never pulls in onnxruntime-node.
 */

/** Element types an edge tensor can have. */
export type EdgeDType = 'float32' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool' | 'float16' | 'float64';

/** A tensor as the edge runtime exchanges it with a model: type, shape and row-major data. */
export interface EdgeTensor {
  readonly dtype: EdgeDType;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;
}

/** A loaded model. */
export interface ModelRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Readonly<Record<string, EdgeTensor>>): Promise<Record<string, EdgeTensor>>;
  release(): Promise<void>;
}

/** Loads models from their ONNX bytes. */
export interface EdgeRuntime {
  readonly name: string;
  load(model: Uint8Array): Promise<ModelRunner>;
}
