/**
 * cleave's version, read from package.json: the one place it is written. For Node only (the
 * browser bundle of the edge client does not carry it).
 */
import { readFileSync } from 'node:fs';

// build/src/version.js -> the package root; package.json is not copied into build/.
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

export const VERSION: string = (JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string }).version;
