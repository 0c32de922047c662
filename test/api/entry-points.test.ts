import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { entryExports, entryPoints, nodeOnly, reachableImports } from '../../test-support/entry-points.js';

/** The repository (tests run from build/test/api/). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRIES = entryPoints(ROOT);

/** Names that were public once and are internals or demo helpers: no entry point may export them. */
const INTERNAL = [
  'runLoopbackDemo', 'runLoopbackDemoOnDataset', 'formatLoopbackReport', 'DEFAULT_DEMO_CODECS',
  'closestNames', 'writeFileAtomic', 'withUniqueNodeNames', 'pickCuts', 'nodeForKernel', 'nodeGet',
  'readClassifier', 'mssForMtu', 'tailWeights',
];

/** The same import, dynamic so that the specifier is resolved by Node through package.json `exports`. */
async function load(specifier: string): Promise<Record<string, unknown>> {
  return (await import(specifier)) as Record<string, unknown>;
}

describe('entry points', () => {
  it('package.json names cleave and its subpaths, each an entry file under src/api/ (the root: src/index.ts)', () => {
    assert.deepEqual(ENTRIES.map((e) => e.specifier), [
      'cleave', 'cleave/edge', 'cleave/edge/node', 'cleave/protocol', 'cleave/serve',
      'cleave/data', 'cleave/train', 'cleave/interpret', 'cleave/net', 'cleave/profile', 'cleave/exits', 'cleave/sparsity',
      'cleave/qos',
    ]);
    const files = readdirSync(join(ROOT, 'src', 'api')).map((f) => `src/api/${f}`);
    assert.deepEqual(ENTRIES.map((e) => e.source).sort(), ['src/index.ts', ...files].sort());
  });

  it('each entry file only re-exports, naming what it exports', () => {
    for (const e of ENTRIES) assert.deepEqual(entryExports(join(ROOT, e.source)).otherStatements, [], e.source);
  });

  it('each subpath resolves through package.json and exports at run time exactly the values its file names', async () => {
    for (const e of ENTRIES) {
      const mod = await load(e.specifier);
      assert.deepEqual(Object.keys(mod).sort(), entryExports(join(ROOT, e.source)).values, e.specifier);
    }
  });

  it('exports no internals or demo helpers, and each public name from one subpath only (imageToTensor aside)', () => {
    const home = new Map<string, string>();
    for (const e of ENTRIES) {
      const { values, types } = entryExports(join(ROOT, e.source));
      for (const name of [...values, ...types]) {
        assert.ok(!INTERNAL.includes(name), `${e.specifier} exports the internal ${name}`);
        // Two different functions: RGBA files for the models cleave trains (cleave/data) and
        // browser pixels with alpha (cleave/edge).
        if (name === 'imageToTensor') continue;
        assert.equal(home.get(name), undefined, `${name} is exported by ${home.get(name)} and ${e.specifier}`);
        home.set(name, e.specifier);
      }
    }
    assert.ok(home.size > 300);
  });

  it('cleave/edge and cleave/protocol bundle for the browser without Node built-ins or Node-only packages', async () => {
    for (const entry of ['src/api/edge.ts', 'src/api/protocol.ts']) {
      const bad = nodeOnly(await reachableImports(ROOT, entry, 'browser'));
      assert.deepEqual(bad, [], `${entry} reaches ${bad.map((b) => `${b.path} (imported by ${b.importer})`).join(', ')}`);
    }
  });

  it('the check sees Node-only code: cleave/edge/node reaches onnxruntime-node and node:http', async () => {
    const bad = nodeOnly(await reachableImports(ROOT, 'src/api/edge-node.ts', 'browser')).map((b) => b.path);
    assert.ok(bad.includes('onnxruntime-node'));
    assert.ok(bad.includes('node:http'));
  });

  it("import 'cleave' loads onnxruntime-node but not fastify; cleave/serve brings fastify", async () => {
    const packages = async (entry: string) => new Set((await reachableImports(ROOT, entry, 'node')).map((r) => r.path.split('/')[0]));
    const core = await packages('src/index.ts');
    assert.ok(core.has('onnxruntime-node'));
    for (const p of ['fastify', 'esbuild', 'playwright-core', 'autocannon']) assert.ok(!core.has(p), `cleave reaches ${p}`);
    assert.ok((await packages('src/api/serve.ts')).has('fastify'));
  });
});
