import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IoError } from '../errors.js';
import { pageBundle } from '../page-bundle.js';

/**
 * The report page's script with Chart.js, bundled from node_modules when a report is first
 * written, licence comments kept at the end. The entry is page/report-page.js beside this module
 * once compiled (.ts when run from the sources).
 */
export const reportPageScript = pageBundle('cleave report (its charts)', () => {
  const entry = ['js', 'ts'].map((ext) => fileURLToPath(new URL(`./page/report-page.${ext}`, import.meta.url))).find((p) => existsSync(p));
  if (!entry) throw new IoError('cannot find the report page script (page/report-page.js) next to the report code');
  return { entryPoints: [entry], format: 'iife', target: 'es2020', legalComments: 'eof' };
});
