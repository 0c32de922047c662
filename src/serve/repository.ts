import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { BadRequestError, IoError } from '../errors.js';
import { readModel } from '../onnx/model-file.js';
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

/** Loads each source into its own ORT session. */
export async function loadModels(sources: readonly ModelSource[], options: ServedModelOptions = {}): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  try {
    for (const s of sources) {
      const proto = readModel(s.path);
      // Models without external data go to ORT as the file's bytes; others re-encoded with data inlined.
      const hasExternal = proto.graph.initializer.some((t) => t.dataLocation === 1);
      const forOrt = hasExternal ? proto : new Uint8Array(readFileSync(s.path));
      models.push(await ServedModel.load(s.name, forOrt, proto, options));
    }
  } catch (e) {
    for (const m of models) await m.release();
    throw e;
  }
  return models;
}
