import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';

/** One public entry point: its subpath in package.json `exports` and its source file. */
export interface EntryPoint {
  /** the name a user imports: 'cleave', 'cleave/edge' */
  readonly specifier: string;
  /** the source file, relative to the repository: 'src/api/edge.ts' */
  readonly source: string;
}

/** The entry points package.json declares, each mapped from build/ back to its source. */
export function entryPoints(root: string): EntryPoint[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { default: string }> };
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target !== 'string')
    .map(([sub, target]) => ({
      specifier: sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`,
      source: (target as { default: string }).default.replace(/^\.\/build\//, '').replace(/\.js$/, '.ts'),
    }));
}

/** What an entry file exports, read from its source. */
export interface EntryExports {
  /** names that exist at run time (values, classes, functions, namespaces) */
  readonly values: readonly string[];
  /** names exported as types only */
  readonly types: readonly string[];
  /** statements that are not `export … from '…'` (an entry file only re-exports) */
  readonly otherStatements: readonly string[];
}

export function entryExports(path: string): EntryExports {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const values: string[] = [];
  const types: string[] = [];
  const otherStatements: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isExportDeclaration(st) || !st.moduleSpecifier) {
      otherStatements.push(st.getText(sf).split('\n')[0]!);
      continue;
    }
    const clause = st.exportClause;
    if (!clause) otherStatements.push(st.getText(sf)); // `export *` hides what it exports
    else if (ts.isNamespaceExport(clause)) values.push(clause.name.text);
    else for (const e of clause.elements) (st.isTypeOnly || e.isTypeOnly ? types : values).push(e.name.text);
  }
  return { values: values.sort(), types: types.sort(), otherStatements };
}

/** An import esbuild met while bundling, by the module that made it. */
export interface ReachedImport {
  readonly path: string;
  readonly importer: string;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isBuiltin(path: string): boolean {
  return path.startsWith('node:') || BUILTINS.has(path.split('/')[0]!);
}

/**
 * The third-party packages and Node built-ins reachable from `entry` (a source file), as
 * esbuild resolves them for `platform`: every bare import is recorded with its importer and
 * left out of the bundle, so the answer does not depend on what those packages import.
 */
export async function reachableImports(root: string, entry: string, platform: 'browser' | 'node'): Promise<ReachedImport[]> {
  const reached: ReachedImport[] = [];
  await esbuild.build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    platform,
    format: 'esm',
    logLevel: 'silent',
    plugins: [{
      name: 'record-bare-imports',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          reached.push({ path: args.path, importer: relative(root, args.importer).split(sep).join('/') });
          return { path: args.path, external: true };
        });
      },
    }],
  });
  return reached;
}

/** Packages a browser bundle may not contain, besides Node's built-in modules. */
export const NODE_ONLY_PACKAGES: readonly string[] = ['onnxruntime-node', 'fastify', 'pngjs', 'esbuild'];

/** The imports of `reached` that are Node's built-ins or Node-only packages. */
export function nodeOnly(reached: readonly ReachedImport[]): ReachedImport[] {
  return reached.filter((r) => isBuiltin(r.path) || NODE_ONLY_PACKAGES.some((p) => r.path === p || r.path.startsWith(`${p}/`)));
}
