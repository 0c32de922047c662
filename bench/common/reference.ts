/**
 * The Python references the benches compare with, run as fresh processes under Debian's Python:
 * PyTorch (python3-torch) for training and Grad-CAM, the onnx package (python3-onnx) for loading,
 * shape inference and extraction. They are optional: without them a bench still reports
 * cleave's own figures and prints "reference not installed" where the ratio would be.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The interpreters tried, in order: Debian's packages are seen by Debian's Python; a pyenv or
 * venv `python3` does not see them. CLEAVE_BENCH_PYTHON (space-separated) replaces the list, e.g.
 * to point at another environment or to see how a bench runs without its reference.
 */
function pythons(): string[] {
  const list = process.env.CLEAVE_BENCH_PYTHON?.split(/\s+/).filter(Boolean);
  return list && list.length > 0 ? list : ['/usr/bin/python3', 'python3'];
}

export const INSTALL_HINT = 'sh scripts/install-bench-references.sh (as root; or: apt-get install -y python3-torch python3-onnx)';

/** A Python that imports every module of a reference, with their versions. */
export interface PythonReference {
  readonly python: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The first Python that imports all `modules` (e.g. ['torch']), or undefined. */
export function findPython(modules: readonly string[]): PythonReference | undefined {
  const probe = `import json, importlib; print(json.dumps({m: getattr(importlib.import_module(m), '__version__', '?') for m in ${JSON.stringify(modules)}}))`;
  for (const python of pythons()) {
    const r = spawnSync(python, ['-c', probe], { encoding: 'utf8' });
    if (r.status === 0) return { python, versions: JSON.parse(r.stdout) as Record<string, string> };
  }
  return undefined;
}

/** The line a bench prints when a reference is missing. */
export function notInstalled(what: string): string {
  return `reference not installed (${what}): ratios skipped, cleave's own figures still reported. Install: ${INSTALL_HINT}`;
}

/** What a reference run gives: its JSON on stdout and its whole-process wall time. */
export interface ReferenceRun<T> {
  readonly result: T;
  /** spawn to exit, interpreter start and imports included */
  readonly processMs: number;
}

/** Runs `script` (a path under the repository's bench/) and parses the JSON it prints. */
export function runPython<T>(ref: PythonReference, root: string, script: string, args: readonly string[]): ReferenceRun<T> {
  const t0 = performance.now();
  // No __pycache__ beside the bench's Python files.
  const r = spawnSync(ref.python, [join(root, script), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const processMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}):\n${r.stderr}`);
  return { result: JSON.parse(r.stdout) as T, processMs };
}
