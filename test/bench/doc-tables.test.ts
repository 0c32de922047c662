import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { markdown, rewriteTables } from '../../bench/common/doc-tables.js';

const BUILD = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('docs tables from the benches JSON', () => {
  it('replaces what is between each marker pair, and says which markers and tables found no partner', () => {
    const page = 'a\n<!-- table:x -->\nold\n<!-- /table -->\nb\n<!-- table:y --><!-- /table -->\n';
    const r = rewriteTables(page, { x: 'NEW', z: 'unused' });
    assert.equal(r.text, 'a\n<!-- table:x -->\nNEW\n<!-- /table -->\nb\n<!-- table:y --><!-- /table -->\n');
    assert.deepEqual([r.missing, r.unplaced, r.changed], [['y'], ['z'], true]);
    assert.equal(rewriteTables(r.text, { x: 'NEW' }).changed, false);
    assert.equal(markdown(['a', 'b'], [[1, 'x']], [false, true]), '| a | b |\n| --- | ---: |\n| 1 | x |');
  });

  it("docs/benchmarks.md quotes the comparisons with PyTorch and onnx exactly as the results JSON has them", () => {
    // Reads only bench/results/*.json and the page: no reference needs to be installed.
    const r = spawnSync(process.execPath, [resolve(BUILD, 'bench/compare/tables.js'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /no JSON for|no marker/);
  });
});
