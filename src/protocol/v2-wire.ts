import { BadRequestError } from '../errors.js';
import { type TensorData, type V2Datatype, fromBinary, fromJson, isV2Datatype, toBinary, toJson } from './datatypes.js';

/**
 * The KServe v2 / Open Inference Protocol REST message bodies, with the binary tensor data
 * extension: a JSON header of `Inference-Header-Content-Length` bytes, then each binary tensor's
 * bytes in the order the header lists them (`parameters.binary_data_size`). Pure code: the edge
 * client in the browser uses it too.
 */

/** A v2 `parameters` object: flat, scalar values. */
export type Parameters = Record<string, string | number | boolean>;

/** A tensor as the protocol carries it. */
export interface WireTensor {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
  readonly parameters?: Parameters;
}

/** An output the request asks for (all outputs when the request names none). */
export interface RequestedOutput {
  readonly name: string;
  readonly parameters?: Parameters;
}

/** The body of `POST /v2/models/NAME/infer`. */
export interface InferRequest {
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly inputs: readonly WireTensor[];
  readonly outputs?: readonly RequestedOutput[];
}

/** The body of a successful inference reply. */
export interface InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly outputs: readonly WireTensor[];
}

/** The HTTP header giving the JSON header's length when binary tensors follow it. */
export const HEADER_LENGTH = 'inference-header-content-length';

/** An encoded message: the body and, when it carries binary tensors, the JSON header's length. */
export interface EncodedBody {
  readonly body: Uint8Array;
  readonly headerLength?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Limits applied while decoding a message (a body is untrusted input). */
export interface DecodeLimits {
  /** most elements in one tensor */
  readonly maxElements?: number;
  /** most dimensions in one shape */
  readonly maxRank?: number;
  /** most tensors in one message */
  readonly maxTensors?: number;
}

const DEFAULT_LIMITS: Required<DecodeLimits> = { maxElements: 1 << 28, maxRank: 16, maxTensors: 1024 };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkParameters(p: unknown, what: string): Parameters | undefined {
  if (p === undefined) return undefined;
  if (!isRecord(p)) throw new BadRequestError(`${what}: "parameters" must be an object`);
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new BadRequestError(`${what}: parameter "${k}" must be a string, number or boolean`);
    }
  }
  return p as Parameters;
}

/** Deepest nesting of arrays and objects a message may have (tensor data nests at most 64 levels). */
export const MAX_JSON_DEPTH = 100;

const STRUCTURE = /[[\]{}"]/g;

/**
 * Whether `text` nests arrays and objects deeper than `limit`. Only brackets and quotes are
 * visited (a regex finds them); strings are skipped to their closing quote, escapes included.
 * Malformed text is left to JSON.parse.
 */
export function nestsDeeper(text: string, limit: number): boolean {
  let depth = 0;
  STRUCTURE.lastIndex = 0;
  for (let m = STRUCTURE.exec(text); m !== null; m = STRUCTURE.exec(text)) {
    const c = m[0];
    if (c === '"') {
      let end = m.index + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (end < 0) return false;
        let k = end - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        if ((end - 1 - k) % 2 === 0) break; // an even run of backslashes: the quote is not escaped
        end++;
      }
      STRUCTURE.lastIndex = end + 1;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return true;
    } else {
      depth--;
    }
  }
  return false;
}

/** Splits a body into its JSON header and the binary region after it. */
function splitBody(body: Uint8Array, headerLength: number | undefined): { json: unknown; binary: Uint8Array } {
  let headerBytes = body;
  let binary: Uint8Array = new Uint8Array(0);
  if (headerLength !== undefined) {
    if (!Number.isSafeInteger(headerLength) || headerLength < 0 || headerLength > body.length) {
      throw new BadRequestError(`Inference-Header-Content-Length is ${headerLength}, but the body has ${body.length} bytes`);
    }
    headerBytes = body.subarray(0, headerLength);
    binary = body.subarray(headerLength);
  }
  let text: string;
  try {
    text = decoder.decode(headerBytes);
  } catch {
    throw new BadRequestError('the JSON header is not valid UTF-8');
  }
  // JSON.parse takes seconds on millions of nested brackets (1.8 s for 10^6 on the test
  // machine): refuse deep nesting with a scan first; tensor data itself may nest 64 levels.
  if (nestsDeeper(text, MAX_JSON_DEPTH)) throw new BadRequestError(`the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return { json: JSON.parse(text), binary };
  } catch (e) {
    throw new BadRequestError(`the body is not valid JSON (${(e as Error).message})${headerLength === undefined && body.length > 0 ? '; binary bodies need the Inference-Header-Content-Length header' : ''}`);
  }
}

/** Reads the tensor list of a request (`inputs`) or a response (`outputs`), binary data in order. */
function readTensors(list: unknown, binary: Uint8Array, key: string, limits: Required<DecodeLimits>): WireTensor[] {
  if (!Array.isArray(list)) throw new BadRequestError(`"${key}" must be an array of tensors`);
  if (list.length > limits.maxTensors) throw new BadRequestError(`"${key}" lists ${list.length} tensors, more than the limit of ${limits.maxTensors}`);
  let offset = 0;
  const out = list.map((t: unknown, i): WireTensor => {
    const where = `${key}[${i}]`;
    if (!isRecord(t)) throw new BadRequestError(`${where} must be an object`);
    const { name, datatype, shape } = t;
    if (typeof name !== 'string' || name === '') throw new BadRequestError(`${where}: "name" must be a non-empty string`);
    const what = `tensor "${name}"`;
    if (!isV2Datatype(datatype)) throw new BadRequestError(`${what}: datatype ${JSON.stringify(datatype)} is not a v2 datatype (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64, BYTES)`);
    if (!Array.isArray(shape) || shape.length > limits.maxRank || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new BadRequestError(`${what}: "shape" must be an array of at most ${limits.maxRank} non-negative integers`);
    }
    let count = 1;
    for (const d of shape as number[]) count *= d;
    if (count > limits.maxElements) throw new BadRequestError(`${what}: ${count} elements, more than the limit of ${limits.maxElements}`);
    const parameters = checkParameters(t.parameters, what);
    const size = parameters?.binary_data_size;
    let data: TensorData;
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new BadRequestError(`${what}: binary_data_size must be a non-negative integer`);
      if (t.data !== undefined) throw new BadRequestError(`${what}: has both "data" and binary_data_size`);
      if (offset + size > binary.length) {
        throw new BadRequestError(`${what}: binary_data_size ${size} at offset ${offset} runs past the ${binary.length} bytes of binary data`);
      }
      data = fromBinary(datatype, shape as number[], binary.subarray(offset, offset + size), what);
      offset += size;
    } else {
      if (t.data === undefined) throw new BadRequestError(`${what}: no "data" and no binary_data_size`);
      data = fromJson(datatype, shape as number[], t.data, what);
    }
    return { name, datatype, shape: shape as number[], data, ...(parameters ? { parameters } : {}) };
  });
  if (offset !== binary.length) {
    throw new BadRequestError(`the binary tensors' sizes add up to ${offset} bytes, but ${binary.length} bytes follow the JSON header`);
  }
  return out;
}

/** Parses and checks an inference request (untrusted: sizes bounded by `limits`). */
export function decodeInferRequest(body: Uint8Array, headerLength?: number, limits: DecodeLimits = {}): InferRequest {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const { json, binary } = splitBody(body, headerLength);
  if (!isRecord(json)) throw new BadRequestError('the inference request must be a JSON object');
  const id = json.id;
  if (id !== undefined && typeof id !== 'string') throw new BadRequestError('"id" must be a string');
  const parameters = checkParameters(json.parameters, 'request');
  const inputs = readTensors(json.inputs, binary, 'inputs', lim);
  let outputs: RequestedOutput[] | undefined;
  if (json.outputs !== undefined) {
    if (!Array.isArray(json.outputs)) throw new BadRequestError('"outputs" must be an array');
    outputs = json.outputs.map((o: unknown, i) => {
      if (!isRecord(o) || typeof o.name !== 'string') throw new BadRequestError(`outputs[${i}] must be an object with a "name"`);
      const p = checkParameters(o.parameters, `output "${o.name}"`);
      return { name: o.name, ...(p ? { parameters: p } : {}) };
    });
  }
  return { ...(id !== undefined ? { id } : {}), ...(parameters ? { parameters } : {}), inputs, ...(outputs ? { outputs } : {}) };
}

/** Parses and checks an inference reply; a reply carrying `error` throws it as a BadRequestError. */
export function decodeInferResponse(body: Uint8Array, headerLength?: number, limits: DecodeLimits = {}): InferResponse {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const { json, binary } = splitBody(body, headerLength);
  if (!isRecord(json)) throw new BadRequestError('the inference response is not a JSON object');
  if (typeof json.error === 'string') throw new BadRequestError(`the server answered with an error: ${json.error}`);
  if (typeof json.model_name !== 'string') throw new BadRequestError('the inference response has no "model_name"');
  const outputs = readTensors(json.outputs, binary, 'outputs', lim);
  const parameters = isRecord(json.parameters) ? checkParameters(json.parameters, 'response') : undefined;
  return {
    model_name: json.model_name,
    ...(typeof json.model_version === 'string' ? { model_version: json.model_version } : {}),
    ...(typeof json.id === 'string' ? { id: json.id } : {}),
    ...(parameters ? { parameters } : {}),
    outputs,
  };
}

/**
 * Encodes a list of tensors: those named in `binary` go after the JSON header, the rest inline.
 * Returns the JSON-able tensor objects and the binary chunks in order.
 */
function writeTensors(tensors: readonly WireTensor[], binary: (t: WireTensor) => boolean): { list: object[]; chunks: Uint8Array[] } {
  const chunks: Uint8Array[] = [];
  const list = tensors.map((t) => {
    const base = { name: t.name, datatype: t.datatype, shape: [...t.shape] };
    if (binary(t)) {
      const bytes = toBinary(t.datatype, t.data);
      chunks.push(bytes);
      return { ...base, parameters: { ...t.parameters, binary_data_size: bytes.length } };
    }
    return { ...base, ...(t.parameters ? { parameters: t.parameters } : {}), data: toJson(t.datatype, t.data) };
  });
  return { list, chunks };
}

function assemble(header: object, chunks: readonly Uint8Array[]): EncodedBody {
  const json = encoder.encode(JSON.stringify(header));
  if (chunks.length === 0) return { body: json };
  // Trailing spaces (valid JSON whitespace) put the first tensor at an 8-byte aligned offset,
  // so the receiver can view it in place instead of copying it.
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);
  let total = headerLength;
  for (const c of chunks) total += c.length;
  const body = new Uint8Array(total);
  body.set(json, 0);
  body.fill(0x20, json.length, headerLength);
  let p = headerLength;
  for (const c of chunks) { body.set(c, p); p += c.length; }
  return { body, headerLength };
}

/** Encodes a request; `binaryInputs` puts input data after the JSON header. */
export function encodeInferRequest(req: InferRequest, binaryInputs = true): EncodedBody {
  const { list, chunks } = writeTensors(req.inputs, () => binaryInputs);
  const header = {
    ...(req.id !== undefined ? { id: req.id } : {}),
    ...(req.parameters ? { parameters: req.parameters } : {}),
    inputs: list,
    ...(req.outputs ? { outputs: req.outputs } : {}),
  };
  return assemble(header, chunks);
}

/** Encodes a response; `binary(name)` says which outputs go as binary data. */
export function encodeInferResponse(res: InferResponse, binary: (name: string) => boolean): EncodedBody {
  const { list, chunks } = writeTensors(res.outputs, (t) => binary(t.name));
  const header = {
    model_name: res.model_name,
    ...(res.model_version !== undefined ? { model_version: res.model_version } : {}),
    ...(res.id !== undefined ? { id: res.id } : {}),
    ...(res.parameters ? { parameters: res.parameters } : {}),
    outputs: list,
  };
  return assemble(header, chunks);
}

/** Which outputs a request wants in binary: per output `binary_data`, else request-level `binary_data_output`. */
export function wantsBinary(req: InferRequest): (name: string) => boolean {
  const all = req.parameters?.binary_data_output === true;
  return (name) => {
    const o = req.outputs?.find((x) => x.name === name);
    const p = o?.parameters?.binary_data;
    return p === undefined ? all : p === true;
  };
}
