/**
 * A deployment folder written whole or not at all: every file goes into a fresh folder beside
 * the target, which is renamed into place once complete. A failure removes the fresh folder and
 * leaves the target as it was (absent, or the previous deployment when replacing).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { BadRequestError, CleaveError, ioFailure } from '../errors.js';

/** Writes the target's content into a folder of its own. */
export type FolderWriter = (folder: string) => void;

/** Writes `files` (paths relative to the folder) into `folder`. */
export function writeFiles(files: readonly (readonly [string, Uint8Array | string])[]): FolderWriter {
  return (folder) => {
    for (const [name, data] of files) {
      const path = join(folder, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
  };
}

/** Checks that `dir` may be written: absent, an empty folder, or (with `replace`) any folder. */
export function checkTarget(dir: string, replace: boolean): void {
  if (!existsSync(dir)) return;
  let empty: boolean;
  try {
    if (!statSync(dir).isDirectory()) throw new BadRequestError(`${dir} exists and is not a folder`);
    empty = readdirSync(dir).length === 0;
  } catch (e) {
    if (e instanceof CleaveError) throw e;
    throw ioFailure(`cannot read ${dir}`, e);
  }
  if (!empty && !replace) throw new BadRequestError(`${dir} exists and is not empty: remove it, choose another folder, or give --force to replace it`);
}

/**
 * Runs the writers into a temporary folder beside `dir` and renames it to `dir`. An existing
 * `dir` (allowed by `checkTarget`) is moved aside first and removed once the new one is in place.
 */
export function writeFolderAtomic(dir: string, writers: readonly FolderWriter[], replace = false): void {
  checkTarget(dir, replace);
  const target = resolve(dir);
  const parent = dirname(target);
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const fresh = join(parent, `.${basename(target)}.new-${tag}`);
  const aside = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    mkdirSync(fresh, { recursive: true });
    for (const w of writers) w(fresh);
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e instanceof CleaveError ? e : ioFailure(`cannot write the deployment beside ${dir}`, e);
  }
  const had = existsSync(target);
  try {
    if (had) renameSync(target, aside);
    try {
      renameSync(fresh, target);
    } catch (e) {
      if (had) renameSync(aside, target);
      throw e;
    }
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw ioFailure(`cannot move the deployment into ${dir}`, e);
  }
  if (had) rmSync(aside, { recursive: true, force: true });
}
