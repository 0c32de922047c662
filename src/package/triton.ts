import { join } from 'node:path';
import { BadModelError, BadRequestError } from '../errors.js';
import { dtypeFromCode } from '../onnx/dtype.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';

/** ONNX element type -> Triton config data_type. */
const TRITON_TYPE: Readonly<Record<string, string>> = {
  bool: 'TYPE_BOOL', uint8: 'TYPE_UINT8', uint16: 'TYPE_UINT16', uint32: 'TYPE_UINT32', uint64: 'TYPE_UINT64',
  int8: 'TYPE_INT8', int16: 'TYPE_INT16', int32: 'TYPE_INT32', int64: 'TYPE_INT64', float16: 'TYPE_FP16',
  float32: 'TYPE_FP32', float64: 'TYPE_FP64', string: 'TYPE_STRING', bfloat16: 'TYPE_BF16',
};

export interface TritonTensor {
  readonly name: string;
  readonly dataType: string;
  /** without the batch dim when max_batch_size > 0; -1 for a dynamic size */
  readonly dims: readonly number[];
}

export interface TritonConfig {
  readonly name: string;
  readonly platform: 'onnxruntime_onnx';
  readonly maxBatchSize: number;
  readonly inputs: readonly TritonTensor[];
  readonly outputs: readonly TritonTensor[];
  readonly dynamicBatching: boolean;
}

function fullDims(v: ValueInfoProto): { dataType: string; dims: number[] } {
  const tt = v.type?.tensorType;
  if (!tt?.shape) throw new BadModelError(`"${v.name}" declares no tensor shape; Triton needs dims for every input and output`);
  const dtype = dtypeFromCode(tt.elemType, `"${v.name}"`);
  const dataType = TRITON_TYPE[dtype];
  if (!dataType) throw new BadModelError(`"${v.name}" has type ${dtype}, which Triton cannot serve`);
  return { dataType, dims: tt.shape.dim.map((d) => (Number(d.dimValue ?? 0) > 0 && !d.dimParam ? Number(d.dimValue) : -1)) };
}

/**
 * The Triton model configuration of an ONNX model. With `maxBatchSize` > 0 every input and
 * output must have a dynamic first dim, which Triton then owns (it is left out of `dims`).
 */
export function tritonConfig(name: string, model: ModelProto, maxBatchSize: number, dynamicBatching = maxBatchSize > 0): TritonConfig {
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 0) throw new BadRequestError(`max batch size must be a non-negative integer, got ${maxBatchSize}`);
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  const sig = (vs: readonly ValueInfoProto[]) => vs.map((v) => ({ name: v.name, ...fullDims(v) }));
  const inputs = sig(model.graph.input.filter((v) => !inits.has(v.name)));
  const outputs = sig(model.graph.output);
  const strip = (t: { name: string; dataType: string; dims: number[] }): TritonTensor => {
    if (maxBatchSize === 0) return t;
    if (t.dims[0] !== -1) throw new BadRequestError(`"${t.name}" has a fixed first dim ${t.dims[0]}; use --max-batch-size 0 or export a model with a dynamic batch dim`);
    return { name: t.name, dataType: t.dataType, dims: t.dims.slice(1) };
  };
  return { name, platform: 'onnxruntime_onnx', maxBatchSize, inputs: inputs.map(strip), outputs: outputs.map(strip), dynamicBatching: dynamicBatching && maxBatchSize > 0 };
}

function tensorText(t: TritonTensor): string {
  return `  {\n    name: ${JSON.stringify(t.name)}\n    data_type: ${t.dataType}\n    dims: [ ${t.dims.join(', ')} ]\n  }`;
}

/** config.pbtxt text. */
export function renderConfig(c: TritonConfig): string {
  const lines = [
    `name: ${JSON.stringify(c.name)}`,
    `platform: "${c.platform}"`,
    `max_batch_size: ${c.maxBatchSize}`,
    `input [\n${c.inputs.map(tensorText).join(',\n')}\n]`,
    `output [\n${c.outputs.map(tensorText).join(',\n')}\n]`,
  ];
  if (c.dynamicBatching) lines.push('dynamic_batching { }');
  lines.push('instance_group [ { kind: KIND_CPU, count: 1 } ]');
  return `${lines.join('\n')}\n`;
}

/** Kubernetes names are DNS-1035 labels: lowercase letters, digits and '-', starting with a letter. */
export function k8sName(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 63);
  return s || 'cleave-tail';
}

/** A KServe InferenceService running Triton on the model repository at `storageUri`. */
export function kserveManifest(name: string, storageUri: string): string {
  return [
    'apiVersion: serving.kserve.io/v1beta1',
    'kind: InferenceService',
    'metadata:',
    `  name: ${k8sName(name)}`,
    'spec:',
    '  predictor:',
    '    model:',
    '      modelFormat:',
    '        name: triton',
    '      protocolVersion: v2',
    '      runtime: kserve-tritonserver',
    `      storageUri: ${JSON.stringify(storageUri)}`,
    '',
  ].join('\n');
}

export interface TritonExport {
  readonly config: TritonConfig;
  /** files written, relative to the output directory */
  readonly files: readonly string[];
}

/**
 * Writes a Triton model repository (`<out>/<name>/config.pbtxt`, `<out>/<name>/1/model.onnx`)
 * and `<out>/inference-service.yaml` for KServe.
 */
export function writeTritonRepository(outDir: string, name: string, model: ModelProto, modelBytes: Uint8Array, options: { readonly maxBatchSize?: number; readonly storageUri?: string } = {}): TritonExport {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) throw new BadRequestError(`model name "${name}" must be letters, digits, _ . -`);
  const config = tritonConfig(name, model, options.maxBatchSize ?? 8);
  const files = [join(name, 'config.pbtxt'), join(name, '1', 'model.onnx'), 'inference-service.yaml'];
  writeFileAtomic(join(outDir, name, 'config.pbtxt'), new TextEncoder().encode(renderConfig(config)));
  writeFileAtomic(join(outDir, name, '1', 'model.onnx'), modelBytes);
  writeFileAtomic(join(outDir, 'inference-service.yaml'), new TextEncoder().encode(kserveManifest(name, options.storageUri ?? "pvc://models")));
  return { config, files };
}
