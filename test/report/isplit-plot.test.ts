import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isplitPlotSvg, type PlotCut } from '../../src/report/isplit-plot.js';

const cut = (label: string, logScore: number, bytes: number, candidate = false, recommended = false): PlotCut => ({ label, logScore, bytes, candidate, recommended });

describe('isplitPlotSvg', () => {
  it('draws both series, circles the local maxima and labels the recommendation', () => {
    const svg = isplitPlotSvg([cut('conv1', -8, 18816, true), cut('pool1', -9, 4704), cut('fc1', -2, 480, true, true), cut('fc2', -3, 336)], { title: 'lenet' });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.equal(svg.match(/r="6"/g)?.length, 2);
    assert.equal(svg.match(/>recommended</g)?.length, 1);
    assert.equal(svg.match(/<path d="M/g)?.length, 2);
    for (const l of ['conv1', 'pool1', 'fc1', 'fc2', 'lenet', 'log S(l)']) assert.ok(svg.includes(`>${l}<`), l);
    assert.ok(!/NaN|Infinity/.test(svg));
  });

  it('breaks the line at log S = -inf, escapes labels, draws one point', () => {
    const svg = isplitPlotSvg([cut('a<b', -1, 10), cut('zero', Number.NEGATIVE_INFINITY, 10), cut('c&d', -2, 100, true, true)]);
    assert.ok(svg.includes('a&lt;b') && svg.includes('c&amp;d'));
    assert.ok(!/NaN|Infinity/.test(svg));
    const line = /<path d="([^"]+)" fill="none" stroke="#1f5fbf"/.exec(svg)?.[1]!;
    assert.equal(line.match(/M/g)?.length, 2);
    assert.ok(!/NaN/.test(isplitPlotSvg([cut('only', -1, 4, true, true)])));
  });
});
