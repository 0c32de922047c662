import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * cleave's layers, lowest first: the one place their order is written (STYLE.md and
 * ARCHITECTURE.md describe it). Each entry is a folder of src/ ('errors' and 'index' are the
 * files src/errors.ts and src/index.ts). A module imports from its own folder or from a folder
 * of a lower layer, never sideways or up, so folders cannot import one another in a cycle.
 * Folders not yet written are listed where they will go.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['errors', 'version'], // CleaveError and its subclasses; the package version (src/version.ts)
  ['onnx', 'image', 'checked', 'page-bundle'], // file formats: ONNX protobuf and external data; PNG, JPEG, .npy pixels; checked access (src/checked.ts, throws InternalError); browser pages bundled by esbuild (src/page-bundle.ts)
  ['graph'], // graph IR, builder DSL, tensor vocabulary (graph/tensor-meta.ts)
  ['ops'], // one rule per ONNX op: shapes, costs, folding, gradient
  ['analysis', 'data', 'models'], // shapes and costs of a graph; data sets; reference models
  ['autodiff', 'runtime'], // gradient graphs; the ONNX Runtime session (both use shape inference)
  ['cut', 'passes'], // head and tail (verified in ORT); rewrites for ORT's speed
  ['net', 'protocol'], // network models and simulator; the wire format
  ['train', 'interpret', 'profile', 'compress'], // training, saliency, compute costs, cut codecs
  ['exits', 'sparsity', 'bottleneck'], // models changed and retrained for a split
  ['qos'], // sweeps and plans
  ['package', 'report'], // artefacts: Triton repository, plots
  ['serve', 'edge'], // the two ends of a split deployment
  ['cli'], // the command line
  ['demo'], // the demo (prints with the CLI's tables)
  ['api', 'index'], // public entry points: re-exports only
];

/** Third-party packages only some folders may import (STYLE.md rule 7: only runtime/ touches onnxruntime-node). */
export const RESTRICTED_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'onnxruntime-node': ['runtime'],
  fastify: ['serve'],
};

/** One import of a module of src/, resolved to the folder it reaches. */
export interface ImportEdge {
  /** the importing file, relative to the repository ('src/net/scenario.ts') */
  readonly file: string;
  readonly line: number;
  /** the specifier as written */
  readonly specifier: string;
  /** the importing file's folder ('net') */
  readonly from: string;
  /** the folder imported from, or the package name for a bare specifier */
  readonly to: string;
  readonly bare: boolean;
}

/** The layer unit of a path relative to src/ (POSIX separators): its first folder, or the file's name for a file at the top. */
export function unitOf(pathInSrc: string): string {
  const first = pathInSrc.split('/')[0]!;
  return first.replace(/\.(ts|js)$/, '');
}

/** The .ts files (not .d.ts) below `dir`, at any depth. */
export function tsFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) tsFilesUnder(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The package name of a bare specifier ('@scope/pkg/sub' -> '@scope/pkg', 'node:fs' stays). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Every import of every .ts file under `srcDir` (static, type-only, re-exports and dynamic
 * `import()` alike), as found by TypeScript's own scanner. `root` is what reported paths are
 * relative to.
 */
export function importsOf(srcDir: string, root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const path of tsFilesUnder(srcDir)) {
    const inSrc = relative(srcDir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = ref.fileName;
      const bare = !specifier.startsWith('.');
      const target = bare ? packageName(specifier) : posix.normalize(posix.join(posix.dirname(inSrc), specifier));
      if (!bare && target.startsWith('../')) throw new Error(`${inSrc} imports ${specifier}, outside src/`);
      edges.push({
        file: relative(root, path).split(sep).join('/'),
        line: text.slice(0, ref.pos).split('\n').length,
        specifier,
        from: unitOf(inSrc),
        to: bare ? target : unitOf(target),
        bare,
      });
    }
  }
  return edges;
}

function layerIndex(layers: readonly (readonly string[])[]): Map<string, number> {
  return new Map(layers.flatMap((units, i) => units.map((u) => [u, i] as const)));
}

function describeLayer(layers: readonly (readonly string[])[], unit: string, index: number): string {
  return `${unit} (layer ${index + 1}: ${layers[index]!.join(', ')})`;
}

/** Units that have no place in the list. */
export function unplaced(edges: readonly ImportEdge[], units: readonly string[], layers: readonly (readonly string[])[]): string[] {
  const known = layerIndex(layers);
  const seen = new Set([...units, ...edges.filter((e) => !e.bare).flatMap((e) => [e.from, e.to])]);
  return [...seen].filter((u) => !known.has(u)).sort().map((u) => `src/${u} has no layer: give it a place in LAYERS (test-support/layers.ts) consistent with what it imports`);
}

/** Imports that reach sideways or up, one message each naming the file, the import and both layers. */
export function upwardImports(edges: readonly ImportEdge[], layers: readonly (readonly string[])[]): string[] {
  const index = layerIndex(layers);
  const out: string[] = [];
  for (const e of edges) {
    if (e.bare || e.from === e.to) continue;
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || b < a) continue;
    out.push(`${e.file}:${e.line} imports '${e.specifier}': ${describeLayer(layers, e.from, a)} imports only from lower layers, not from ${describeLayer(layers, e.to, b)}`);
  }
  return out;
}

/**
 * Cycles among folders (strongly connected components of the folder import graph, Tarjan's
 * algorithm), each with one import per edge of the cycle as evidence.
 */
export function folderCycles(edges: readonly ImportEdge[]): string[] {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const e of edges) {
    if (e.bare || e.from === e.to) continue;
    if (!graph.has(e.to)) graph.set(e.to, new Map());
    const out = graph.get(e.from) ?? new Map<string, ImportEdge>();
    graph.set(e.from, out);
    if (!out.has(e.to)) out.set(e.to, e);
  }
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, order.size);
    low.set(v, order.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of [...(graph.get(v)?.keys() ?? [])].sort()) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) !== order.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!order.has(v)) visit(v);
  return components.map((c) => {
    const members = new Set(c);
    const evidence = c.flatMap((from) => [...(graph.get(from) ?? new Map<string, ImportEdge>()).entries()]
      .filter(([to]) => members.has(to))
      .map(([to, e]) => `${from} -> ${to} (${e.file}:${e.line} imports '${e.specifier}')`));
    return `folder cycle among ${c.join(', ')}: ${evidence.join('; ')}`;
  });
}

/** Imports of a restricted package from a folder not allowed to use it. */
export function restrictedImports(edges: readonly ImportEdge[], restricted: Readonly<Record<string, readonly string[]>>): string[] {
  return edges
    .filter((e) => e.bare && Object.hasOwn(restricted, e.to) && !restricted[e.to]!.includes(e.from))
    .map((e) => `${e.file}:${e.line} imports '${e.specifier}', which only ${restricted[e.to]!.join(', ')}/ may import`);
}

/** The units present under `srcDir`: its folders and its top-level .ts files. */
export function unitsIn(srcDir: string): string[] {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() || (d.name.endsWith('.ts') && !d.name.endsWith('.d.ts')))
    .map((d) => unitOf(d.name));
}
