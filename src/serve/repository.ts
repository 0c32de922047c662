import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { BadModelError, BadRequestError, IoError } from '../errors.js';
import { encodeModel } from '../onnx/codec.js';
import { readModel } from '../onnx/model-file.js';
import { EXTERNAL_DATA, type ModelProto } from '../onnx/types.js';
import { ServedModel, type ServedModelOptions } from './served-model.js';

/** A model to serve: its name in the URL and its file. */
export interface ModelSource {
  readonly name: string;
  readonly path: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Expands `cleave serve` arguments: a directory serves every `*.onnx` in it (named by file
 * stem: a cut's head.onnx and tail.onnx become models "head" and "tail"); a file serves that
 * model; `name=path` names it explicitly.
 */
export function modelSources(args: readonly string[]): ModelSource[] {
  const out: ModelSource[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const explicit = eq > 0 ? arg.slice(0, eq) : undefined;
    const path = eq > 0 ? arg.slice(eq + 1) : arg;
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new IoError(`cannot serve ${path}: no such file or directory`);
    }
    if (st.isDirectory()) {
      if (explicit) throw new BadRequestError(`${arg}: a name can only be given to a single model file`);
      const files = readdirSync(path).filter((f) => f.endsWith('.onnx')).sort();
      if (files.length === 0) throw new BadRequestError(`${path} holds no .onnx files`);
      for (const f of files) out.push({ name: basename(f, '.onnx'), path: join(path, f) });
    } else {
      out.push({ name: explicit ?? basename(path, extname(path)), path });
    }
  }
  for (const s of out) if (!NAME.test(s.name)) throw new BadRequestError(`model name "${s.name}" must be letters, digits, _ . - (it goes in URLs)`);
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) throw new BadRequestError(`two models would be named "${s.name}"; name them with name=path`);
    seen.add(s.name);
  }
  return out;
}

/** The first tensor anywhere in `model` (subgraphs and functions included) still pointing at external data. */
function externalTensorLeft(model: ModelProto): string | undefined {
  const stack: unknown[] = [model];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || seen.has(v)) continue;
    seen.add(v);
    const t = v as { dataLocation?: unknown; name?: unknown };
    if (t.dataLocation === EXTERNAL_DATA) return typeof t.name === 'string' ? t.name : '(unnamed)';
    for (const child of Object.values(v)) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return undefined;
}

/**
 * A model file as ONNX Runtime gets it: the decoded model, its external data read from the
 * model's own folder (readModel refuses locations outside it) and inlined, encoded again. ORT
 * never gets a file's bytes with external references in them: from bytes it would resolve them
 * against the server's working directory, not the model's folder, past cleave's checks.
 */
export function modelForRuntime(path: string): { readonly proto: ModelProto; readonly bytes: Uint8Array } {
  const proto = readModel(path);
  const left = externalTensorLeft(proto);
  if (left !== undefined) throw new BadModelError(`tensor "${left}" keeps its data in an external file where cleave does not read it (in a subgraph or function); save the model with its data inside the file`);
  return { proto, bytes: encodeModel(proto) };
}

/** `e` with the model's file and name in front of its message, so `serve DIR` says which file failed. */
function naming(e: unknown, s: ModelSource): unknown {
  if (e instanceof Error && !e.message.includes(s.path)) e.message = `model "${s.name}" (${s.path}): ${e.message}`;
  return e;
}

/** Loads each source into its own ORT session; a failure names the model and its file. */
export async function loadModels(sources: readonly ModelSource[], options: ServedModelOptions = {}): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  try {
    for (const s of sources) {
      try {
        const { proto, bytes } = modelForRuntime(s.path);
        models.push(await ServedModel.load(s.name, bytes, proto, options));
      } catch (e) {
        throw naming(e, s);
      }
    }
  } catch (e) {
    for (const m of models) await m.release();
    throw e;
  }
  return models;
}
