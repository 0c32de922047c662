/**
 * An edge config read from a file in Node: the JSON checked (edge-config.ts), each cut's head
 * and the whole model (when named) loaded with onnxruntime-node from paths relative to the
 * config's folder. Spread `options` into an EdgeClient with the server's URL and a transport.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BadRequestError, ioFailure } from '../errors.js';
import { type CheckedEdgeConfig, edgeConfigOptions, parseEdgeConfig } from './edge-config.js';
import type { EdgeClientOptions } from './client.js';
import { loadRunner } from './node-runtime.js';
import type { ModelRunner } from './runtime.js';

/** A config file is small: a few hundred layers at most. */
export const MAX_EDGE_CONFIG_BYTES = 4 * 1024 * 1024;

export interface LoadedEdgeConfig {
  readonly config: CheckedEdgeConfig;
  /** routes, re-planning, exit policy, rate estimate and (with `full`) the fallback */
  readonly options: Pick<EdgeClientOptions, 'routes' | 'replan' | 'exitPolicy' | 'rate' | 'fallback'>;
  /** releases the loaded models */
  release(): Promise<void>;
}

function readConfig(path: string): unknown {
  let text: string;
  try {
    if (statSync(path).size > MAX_EDGE_CONFIG_BYTES) throw new BadRequestError(`edge config ${path} is over ${MAX_EDGE_CONFIG_BYTES} bytes; it should hold a few layers and cuts`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof BadRequestError) throw e;
    throw ioFailure(`cannot read the edge config ${path}`, e);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadRequestError(`edge config ${path} is not JSON: ${(e as Error).message}`);
  }
}

async function loadModel(path: string, what: string, threads: number | undefined): Promise<ModelRunner> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw ioFailure(`cannot read ${what} ${path}`, e);
  }
  return loadRunner(bytes, threads !== undefined ? { threads } : {});
}

/** Reads and checks an edge config and loads the models it names. */
export async function loadEdgeConfig(path: string, options: { readonly threads?: number } = {}): Promise<LoadedEdgeConfig> {
  const config = parseEdgeConfig(readConfig(path));
  const dir = dirname(resolve(path));
  const loaded: ModelRunner[] = [];
  const release = async () => {
    for (const r of loaded.splice(0)) await r.release();
  };
  try {
    const heads = new Map<string, ModelRunner>();
    for (const c of config.cuts) {
      const head = await loadModel(resolve(dir, c.head), `the head of cut "${c.after}"`, options.threads);
      loaded.push(head);
      heads.set(c.after, head);
    }
    const full = config.full === undefined ? undefined : await loadModel(resolve(dir, config.full), 'the whole model', options.threads);
    if (full) loaded.push(full);
    return { config, options: { ...edgeConfigOptions(config, heads), ...(full ? { fallback: { full } } : {}) }, release };
  } catch (e) {
    await release();
    throw e;
  }
}
