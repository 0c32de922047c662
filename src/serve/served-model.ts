import { isEncoded } from '../protocol/codec-parameters.js';
import { decodeTensor } from '../compress/codec.js';
import { BadRequestError } from '../errors.js';
import type { ModelProto } from '../onnx/types.js';
import { type RunTensor, Session } from '../runtime/session.js';
import { Batcher, type BatchingOptions, type RunFn } from './batcher.js';
import { type TensorData, type V2Datatype, dtypeToV2, elementCount, toBinary, v2ToDType } from '../protocol/datatypes.js';
import { InferenceFailedError } from './errors.js';
import { type TensorMeta, modelSignature } from './metadata.js';
import type { InferRequest, InferResponse, WireTensor } from '../protocol/v2-wire.js';

export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
}

export interface ServedModelOptions {
  readonly version?: string;
  /** ORT intra-op threads for this model's session */
  readonly threads?: number;
  /** dynamic batching; off when absent or when an input has no dynamic first dim */
  readonly batching?: BatchingOptions;
  /** most elements of an input with a dynamic dim after codec decoding (default 2^24) */
  readonly maxElements?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * The typed array ORT takes for a tensor; v2 and ORT agree on element layout for every numeric
 * type. BYTES elements become the JS strings ORT's STRING tensors hold (they must be UTF-8).
 */
function toRun(t: { name?: string; datatype: V2Datatype; shape: readonly number[]; data: TensorData }): RunTensor {
  if (t.datatype !== 'BYTES') return { dtype: v2ToDType(t.datatype), dims: [...t.shape], data: t.data as RunTensor['data'] };
  const strings = (t.data as readonly Uint8Array[]).map((b, i) => {
    try {
      return utf8.decode(b);
    } catch {
      throw new BadRequestError(`input "${t.name ?? ''}": BYTES element ${i} is not UTF-8, which ONNX string tensors need`);
    }
  });
  return { dtype: 'string', dims: [...t.shape], data: strings };
}

/** A run output as v2 tensor data: STRING tensors go back as BYTES (UTF-8). */
function fromRun(r: RunTensor): TensorData {
  return Array.isArray(r.data) ? (r.data as readonly string[]).map((s) => utf8Encoder.encode(s)) : r.data as TensorData;
}

/**
 * One model behind the v2 endpoints: its metadata (from the ONNX signature), one ORT session,
 * and request validation against both, so a bad request fails with a 400 before ORT sees it.
 */
export class ServedModel {
  private readonly batcher: Batcher | undefined;
  private readonly runFn: RunFn;

  private constructor(
    readonly metadata: ModelMetadata,
    private readonly session: Session,
    private readonly options: ServedModelOptions,
  ) {
    this.runFn = async (feeds, outputs) => {
      try {
        return await this.session.run(feeds, outputs);
      } catch (e) {
        throw new InferenceFailedError(`model "${metadata.name}": ONNX Runtime failed: ${(e as Error).message.split('\n')[0]}`);
      }
    };
    const batchable = metadata.inputs.every((i) => i.shape[0] === -1) && metadata.inputs.length > 0;
    this.batcher = options.batching && batchable ? new Batcher(this.runFn, metadata.outputs.map((o) => o.name), options.batching) : undefined;
  }

  static async load(name: string, model: ModelProto | Uint8Array, proto: ModelProto, options: ServedModelOptions = {}): Promise<ServedModel> {
    const sig = modelSignature(proto);
    const session = await Session.fromModel(model, options.threads !== undefined ? { threads: options.threads } : {});
    const metadata: ModelMetadata = { name, versions: [options.version ?? '1'], platform: 'onnxruntime_onnx', ...sig };
    return new ServedModel(metadata, session, options);
  }

  get name(): string {
    return this.metadata.name;
  }

  get version(): string {
    return this.metadata.versions[0]!; // a served model has one version
  }

  /** Decodes a cut-codec tensor to FP32, or returns the tensor as it came. */
  private async decode(t: WireTensor, meta: TensorMeta): Promise<{ datatype: V2Datatype; shape: readonly number[]; data: TensorData }> {
    if (!isEncoded(t.parameters)) return t;
    const params = t.parameters!; // an encoded tensor has parameters (isEncoded checked)
    // A small compressed body must not inflate into more than the input can hold: its exact
    // size when the model fixes every dim, else a limit.
    const bound = meta.shape.every((d) => d > 0) ? elementCount(meta.shape) : this.options.maxElements ?? 1 << 24;
    const f = await decodeTensor(t.datatype, t.shape, toBinary(t.datatype, t.data), params, bound);
    return { datatype: 'FP32', shape: f.dims, data: f.data };
  }

  private check(meta: TensorMeta, t: { datatype: V2Datatype; shape: readonly number[] }): void {
    const what = `model "${this.name}" input "${meta.name}"`;
    if (t.datatype !== meta.datatype) throw new BadRequestError(`${what} takes ${meta.datatype}, got ${t.datatype}`);
    const bad = t.shape.length !== meta.shape.length || meta.shape.some((d, i) => (d === -1 ? t.shape[i]! < 1 : d !== t.shape[i])); // the ranks are equal (checked first in the same expression)
    if (bad) throw new BadRequestError(`${what} takes shape [${meta.shape.join(', ')}] (-1: any size), got [${t.shape.join(', ')}]`);
  }

  async infer(req: InferRequest): Promise<InferResponse> {
    const feeds: Record<string, RunTensor> = {};
    for (const t of req.inputs) {
      const meta = this.metadata.inputs.find((m) => m.name === t.name);
      if (!meta) throw new BadRequestError(`model "${this.name}" has no input "${t.name}"; its inputs are ${this.metadata.inputs.map((m) => m.name).join(', ')}`);
      if (feeds[t.name]) throw new BadRequestError(`input "${t.name}" is given twice`);
      const decoded = await this.decode(t, meta);
      this.check(meta, decoded);
      feeds[t.name] = toRun({ name: t.name, ...decoded });
    }
    const missing = this.metadata.inputs.filter((m) => !feeds[m.name]);
    if (missing.length) throw new BadRequestError(`model "${this.name}" needs input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m.name}"`).join(', ')}`);
    const wanted = req.outputs?.map((o) => o.name) ?? this.metadata.outputs.map((o) => o.name);
    for (const w of wanted) {
      if (!this.metadata.outputs.some((o) => o.name === w)) throw new BadRequestError(`model "${this.name}" has no output "${w}"`);
    }
    const result = this.batcher && !req.outputs ? await this.batcher.submit(feeds) : await this.runFn(feeds, wanted);
    const outputs: WireTensor[] = wanted.map((name) => {
      const r = result[name];
      if (!r) throw new InferenceFailedError(`model "${this.name}" produced no output "${name}"`);
      const datatype = dtypeToV2(r.dtype);
      if (!datatype) throw new InferenceFailedError(`output "${name}" has type ${r.dtype}, which v2 cannot carry`);
      if (elementCount(r.dims) !== r.data.length) throw new InferenceFailedError(`output "${name}" has ${r.data.length} values for shape [${r.dims.join(', ')}]`);
      return { name, datatype, shape: r.dims, data: fromRun(r) };
    });
    return { model_name: this.name, model_version: this.version, ...(req.id !== undefined ? { id: req.id } : {}), outputs };
  }

  flush(): void {
    this.batcher?.flushAll();
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
