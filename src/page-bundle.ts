import type { BuildOptions } from 'esbuild';
import { IoError } from './errors.js';

/**
 * A browser script bundled by esbuild in memory the first time it is asked for, then kept for
 * the process (a failure is not kept, so a later call tries again). esbuild is a dev dependency
 * of cleave, loaded only here: `what` names what needs it in the error when it is missing.
 * `entry` gives the entry point and the options particular to the page; every page is bundled
 * whole, minified, for the browser.
 */
export function pageBundle(what: string, entry: () => BuildOptions): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= (async () => {
      let esbuild: typeof import('esbuild');
      try {
        esbuild = await import('esbuild');
      } catch {
        throw new IoError(`${what} needs esbuild (a dev dependency of cleave): npm install esbuild`);
      }
      const result = await esbuild.build({ ...entry(), bundle: true, write: false, platform: 'browser', minify: true, logLevel: 'silent' });
      return result.outputFiles[0]?.text ?? '';
    })();
    cached.catch(() => { cached = undefined; });
    return cached;
  };
}
