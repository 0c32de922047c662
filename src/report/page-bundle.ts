import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IoError } from '../errors.js';

let cached: Promise<string> | undefined;

/**
 * The report page's script with Chart.js, bundled by esbuild from node_modules when a report is
 * written (once per process), minified, licence comments kept at the end. The entry is
 * page/report-page.js beside this module once compiled (.ts when run from the sources).
 */
export function reportPageScript(): Promise<string> {
  cached ??= (async () => {
    let esbuild: typeof import('esbuild');
    try {
      esbuild = await import('esbuild');
    } catch {
      throw new IoError('cleave report bundles its charts with esbuild (a dev dependency of cleave): npm install esbuild');
    }
    const entry = ['js', 'ts'].map((ext) => fileURLToPath(new URL(`./page/report-page.${ext}`, import.meta.url))).find((p) => existsSync(p));
    if (!entry) throw new IoError('cannot find the report page script (page/report-page.js) next to the report code');
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'eof',
      logLevel: 'silent',
    });
    return result.outputFiles[0]?.text ?? '';
  })();
  cached.catch(() => { cached = undefined; });
  return cached;
}
