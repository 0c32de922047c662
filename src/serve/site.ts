import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ImageDataset } from '../data/image-dataset.js';
import { bundleWebApp, repoRoot } from './bundle.js';
import type { TensorMeta } from './metadata.js';

/** What the browser page needs to run the head and call the tail. */
export interface SiteOptions {
  /** head.onnx bytes, fetched by the page */
  readonly head: Uint8Array;
  /** the head's image input */
  readonly headInput: TensorMeta;
  /** the head output that is the cut tensor */
  readonly cutOutput: string;
  /** the tail's model name on this server and its input name */
  readonly tailModel: string;
  readonly tailInput: string;
  /** the whole model, for the page's local fallback when the server or link is down */
  readonly full?: Uint8Array;
  /** test images the page can pick from */
  readonly samples?: ImageDataset;
  /** class names shown with the answer */
  readonly classNames?: readonly string[];
}

const ORT_FILE = /^ort-wasm[a-z0-9-.]*\.(wasm|mjs)$/;

/**
 * Routes for the browser page on the v2 server: the page, its bundle, the onnxruntime-web
 * wasm files (from node_modules, never a CDN), the head model and sample images.
 */
export function siteRoutes(site: SiteOptions): (app: FastifyInstance) => void {
  const root = repoRoot();
  const ortDir = join(root, 'node_modules', 'onnxruntime-web', 'dist');
  return (app) => {
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(readFileSync(join(root, 'web', 'index.html'))));
    app.get('/app.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(await bundleWebApp()));
    app.get('/ort/:file', async (req, reply) => {
      const file = (req.params as { file: string }).file;
      if (!ORT_FILE.test(file)) return reply.code(404).send({ error: `no file ${file}` });
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(ortDir, file));
      } catch {
        return reply.code(404).send({ error: `no file ${file}` });
      }
      return reply.type(file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript').send(bytes);
    });
    app.get('/web/head.onnx', async (_req, reply) => reply.type('application/octet-stream').send(Buffer.from(site.head)));
    app.get('/web/full.onnx', async (_req, reply) => (site.full
      ? reply.type('application/octet-stream').send(Buffer.from(site.full))
      : reply.code(404).send({ error: 'this server holds no whole model for the page' })));
    app.get('/web/config.json', async () => ({
      hasFull: site.full !== undefined,
      input: site.headInput, cutOutput: site.cutOutput, tailModel: site.tailModel, tailInput: site.tailInput,
      samples: site.samples?.count ?? 0, classNames: site.classNames ?? site.samples?.classNames ?? [],
    }));
    app.get('/web/samples/:index', async (req, reply) => {
      const ds = site.samples;
      const index = Number((req.params as { index: string }).index);
      if (!ds || !Number.isInteger(index) || index < 0 || index >= ds.count) return reply.code(404).send({ error: 'no such sample' });
      const n = ds.channels * ds.height * ds.width;
      return {
        index, label: ds.labels[index], width: ds.width, height: ds.height, channels: ds.channels,
        pixels: Buffer.from(ds.images.subarray(index * n, (index + 1) * n)).toString('base64'),
      };
    });
  };
}
