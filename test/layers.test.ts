import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LAYERS, RESTRICTED_PACKAGES, folderCycles, importsOf, restrictedImports, unitsIn, unplaced, upwardImports } from '../test-support/layers.js';

/** The repository (tests run from build/test/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'src');

/** A src/ tree in a temporary folder: path -> source text. */
function tree(files: Readonly<Record<string, string>>): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cleave-layers-')), 'src');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('layers', () => {
  const edges = importsOf(SRC, ROOT);

  it('reads the imports of src/, the CLI and the demo included', () => {
    assert.ok(edges.length > 500);
    assert.ok(edges.some((e) => e.from === 'cli' && e.to === 'serve'));
    assert.ok(edges.some((e) => e.from === 'demo' && e.to === 'edge'));
    assert.ok(edges.some((e) => e.file === 'src/runtime/session.ts' && e.to === 'onnxruntime-node' && e.bare));
  });

  it('gives every folder of src/ a place in the list, once', () => {
    assert.deepEqual(unplaced(edges, unitsIn(SRC), LAYERS), []);
    const all = LAYERS.flat();
    assert.equal(new Set(all).size, all.length);
  });

  it('src/ imports only from its own folder or lower layers, so its folders make no cycle', () => {
    const found = [...folderCycles(edges), ...upwardImports(edges, LAYERS)];
    assert.deepEqual(found, [], found.join('\n'));
  });

  it('only runtime/ imports onnxruntime-node and only serve/ imports fastify', () => {
    const found = restrictedImports(edges, RESTRICTED_PACKAGES);
    assert.deepEqual(found, [], found.join('\n'));
  });

  it('names the file, the import and both layers of an upward import', () => {
    const dir = tree({
      'net/scenario.ts': "import { x } from '../cli/format.js';\nexport const y = x;\n",
      'cli/format.ts': 'export const x = 1;\n',
    });
    const found = upwardImports(importsOf(dir, dirname(dir)), LAYERS);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^src\/net\/scenario\.ts:1 imports '\.\.\/cli\/format\.js': net \(layer 8: net, protocol\) imports only from lower layers, not from cli \(layer 14: cli\)$/);
  });

  it('finds a cycle between folders and the sideways imports that make it, type-only and dynamic imports included', () => {
    const dir = tree({
      'train/a.ts': "import type { B } from '../interpret/b.js';\nexport type A = B;\n",
      'interpret/b.ts': "export type B = number;\nexport const load = () => import('../train/a.js');\n",
      'profile/c.ts': "import type { B } from '../interpret/b.js';\nexport type C = B;\n",
    });
    const found = folderCycles(importsOf(dir, dirname(dir)));
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^folder cycle among interpret, train: interpret -> train \(src\/interpret\/b\.ts:2 imports '\.\.\/train\/a\.js'\); train -> interpret \(src\/train\/a\.ts:1 imports '\.\.\/interpret\/b\.js'\)$/);
    const sideways = upwardImports(importsOf(dir, dirname(dir)), LAYERS);
    assert.equal(sideways.length, 3);
    assert.match(sideways.join('\n'), /^src\/profile\/c\.ts:1 imports '\.\.\/interpret\/b\.js': profile \(layer 9: train, interpret, profile, compress\) imports only from lower layers, not from interpret \(layer 9: /m);
  });

  it('refuses a folder the list does not name and a restricted package elsewhere', () => {
    const dir = tree({
      'misc/util.ts': "import * as ort from 'onnxruntime-node';\nexport const o = ort;\n",
      'errors.ts': 'export class E {}\n',
    });
    const found = importsOf(dir, dirname(dir));
    assert.deepEqual(unplaced(found, unitsIn(dir), LAYERS), ['src/misc has no layer: give it a place in LAYERS (test-support/layers.ts) consistent with what it imports']);
    assert.deepEqual(restrictedImports(found, RESTRICTED_PACKAGES), ["src/misc/util.ts:1 imports 'onnxruntime-node', which only runtime/ may import"]);
  });
});
