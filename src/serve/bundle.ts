import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IoError } from '../errors.js';
import { pageBundle } from '../page-bundle.js';

/** The repository root, from this file's place in build/src/serve/ (or src/serve/ under a TS loader). */
export function repoRoot(): string {
  for (const rel of ['../../../', '../../']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}package.json`) && existsSync(`${dir}web`)) return dir;
  }
  throw new IoError('cannot find the cleave package root (with web/) next to the server code');
}

/**
 * The browser page (web/app.ts with the edge client and onnxruntime-web), bundled when first
 * served. The bundle never contains onnxruntime-node: the page imports only `cleave/edge`
 * (built: resolved through package.json `exports`), which is browser-safe.
 */
export const bundleWebApp = pageBundle('the browser page', () => ({
  entryPoints: [`${repoRoot()}web/app.ts`],
  format: 'esm',
  target: 'es2022',
  // The browser build of ORT: JS here, the .wasm fetched from /ort/ (served locally, no CDN).
  conditions: ['onnxruntime-web-use-extern-wasm'],
}));
