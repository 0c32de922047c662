import { BadRequestError } from '../errors.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { loadDataset } from '../data/datasets.js';
import type { BatchingOptions } from './batcher.js';
import { resolveLimits } from './limits.js';
import { modelSignature } from './metadata.js';
import { type ModelSource, loadModels, modelForRuntime, modelSources } from './repository.js';
import type { ServedModel } from './served-model.js';
import { type RunningServer, type ServerOptions, startServer } from './server.js';
import { siteRoutes } from './site.js';

export interface ServeOptions extends Omit<ServerOptions, 'routes'> {
  readonly threads?: number;
  readonly batching?: BatchingOptions;
  /** serve the browser page when models named `head` and `tail` are present (default true) */
  readonly page?: boolean;
  readonly headName?: string;
  readonly tailName?: string;
  /** the model the page falls back on when the link is down (default: one named `full`, if served) */
  readonly fullName?: string;
  /** test images offered by the page: a dataset name (mnist, fashion-mnist) or a loaded set */
  readonly samples?: string | ImageDataset;
  readonly sampleCount?: number;
}

export interface ServeResult {
  readonly server: RunningServer;
  readonly models: readonly string[];
  /** URL of the browser page, when served */
  readonly page?: string;
}

/** The browser page's routes, when a head and a tail are served (and the page is not turned off). */
function pageRoutes(sources: readonly ModelSource[], models: readonly ServedModel[], options: ServeOptions): ServerOptions['routes'] {
  const headName = options.headName ?? 'head';
  const tailName = options.tailName ?? 'tail';
  const headSource = sources.find((s) => s.name === headName);
  const tail = models.find((m) => m.name === tailName);
  if (options.page === false || !headSource || !tail) {
    if (options.page === true) throw new BadRequestError(`the page needs models named "${headName}" and "${tailName}" (a cut folder holds head.onnx and tail.onnx)`);
    return undefined;
  }
  // The page gets the same bytes ORT would: external data read from the model's folder, inlined.
  const headModel = modelForRuntime(headSource.path);
  const sig = modelSignature(headModel.proto);
  const input = sig.inputs[0];
  const cut = sig.outputs[0];
  const tailInput = tail.metadata.inputs[0];
  if (!input || !cut || !tailInput) throw new BadRequestError(`the page needs a head with an input and an output, and a tail with an input`);
  const samples = typeof options.samples === 'object' ? options.samples : loadDataset(options.samples ?? 'mnist', 'test', { limit: options.sampleCount ?? 200 });
  const fullSource = sources.find((s) => s.name === (options.fullName ?? 'full'));
  return siteRoutes({
    head: headModel.bytes, headInput: input, cutOutput: cut.name,
    ...(fullSource ? { full: modelForRuntime(fullSource.path).bytes } : {}),
    tailModel: tail.name, tailInput: tailInput.name, samples,
  });
}

/**
 * `cleave serve` as a library call: loads the models named by `args` (directories of .onnx,
 * files, name=path), starts the v2 server, and adds the browser page when a head and a tail
 * are among them.
 */
export async function serveModels(args: readonly string[], options: ServeOptions = {}): Promise<ServeResult> {
  // Bad limits fail before the models take their time to load.
  resolveLimits(options);
  const sources = modelSources(args);
  const models = await loadModels(sources, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.batching ? { batching: options.batching } : {}),
  });
  let server: RunningServer;
  let routes: ServerOptions['routes'];
  try {
    routes = pageRoutes(sources, models, options);
    server = await startServer(models, { ...options, ...(routes ? { routes } : {}) });
  } catch (e) {
    for (const m of models) await m.release();
    throw e;
  }
  return { server, models: models.map((m) => m.name), ...(routes ? { page: `${server.url}/` } : {}) };
}
