import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldedTable, htmlTable, inlineScript, scriptJson } from '../../src/report/html.js';

describe('report html', () => {
  it('htmlTable escapes text, keeps given HTML, right-aligns columns of figures', () => {
    const t = htmlTable('a <caption>', ['name', 'ms', 'mixed'], [['a<b', '1.5', 'x'], [{ html: '<b>ok</b>' }, '-', '2 ms']]);
    assert.ok(t.includes('<caption>a &lt;caption&gt;</caption>'));
    assert.ok(t.includes('<td>a&lt;b</td>') && t.includes('<td><b>ok</b></td>'));
    assert.ok(t.includes('<th scope="col" class="num">ms</th>') && t.includes('<td class="num">1.5</td>') && t.includes('<td class="num">-</td>'));
    assert.ok(t.includes('<th scope="col">mixed</th>'));
  });

  it('foldedTable is open for short tables, folded for long ones', () => {
    assert.match(foldedTable('s', '<table></table>', 3), /^<details class="table" open>/);
    assert.match(foldedTable('s', '<table></table>', 50), /^<details class="table"><summary>s \(50 rows\)/);
  });

  it('scriptJson and inlineScript cannot close their <script> element, and mean the same', () => {
    const value = { s: '</script><script>alert(1)</script>', t: 'a\u2028b<!--' };
    const json = scriptJson(value);
    assert.ok(!json.includes('<') && !json.includes('\u2028'));
    assert.deepEqual(JSON.parse(json), value);
    const js = 'const a = "</script>"; const b = /<\\/SCRIPT>/i; const c = `<!--`;';
    const safe = inlineScript(js);
    assert.ok(!/<\/script/i.test(safe) && !safe.includes('<!--'));
    // eslint-style check by evaluation: the rewritten code computes the same strings.
    const run = (code: string) => new Function(`${code} return [a, b.source, c];`)() as string[];
    assert.deepEqual(run(safe)[0], run(js)[0]);
    assert.deepEqual(run(safe)[2], run(js)[2]);
    assert.ok(new RegExp(run(safe)[1]!, 'i').test('</script>'));
  });
});
