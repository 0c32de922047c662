import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IoError } from '../errors.js';

/** The repository root, from this file's place in build/src/serve/ (or src/serve/ under a TS loader). */
export function repoRoot(): string {
  for (const rel of ['../../../', '../../']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}package.json`) && existsSync(`${dir}web`)) return dir;
  }
  throw new IoError('cannot find the cleave package root (with web/) next to the server code');
}

let cached: Promise<string> | undefined;

/**
 * Bundles the browser page (web/app.ts with the edge client and onnxruntime-web) with esbuild,
 * in memory, once per process. The bundle never contains onnxruntime-node: the page imports
 * only `cleave/edge` (built: resolved through package.json `exports`), which is browser-safe.
 */
export function bundleWebApp(): Promise<string> {
  cached ??= (async () => {
    let esbuild: typeof import('esbuild');
    try {
      esbuild = await import('esbuild');
    } catch {
      throw new IoError('the browser page needs esbuild (a dev dependency of cleave): npm install esbuild');
    }
    const root = repoRoot();
    const result = await esbuild.build({
      entryPoints: [`${root}web/app.ts`],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'silent',
      // The browser build of ORT: JS here, the .wasm fetched from /ort/ (served locally, no CDN).
      conditions: ['onnxruntime-web-use-extern-wasm'],
    });
    return result.outputFiles[0]?.text ?? '';
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}
