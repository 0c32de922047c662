import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reliabilityBins } from '../../src/exits/reliability.js';
import { reliabilityDiagramSvg } from '../../src/report/reliability-diagram.js';

describe('reliabilityDiagramSvg', () => {
  const before = reliabilityBins({ confidence: Float64Array.from([0.05, 0.95, 0.97, 0.5]), correct: Uint8Array.from([0, 1, 0, 1]) });
  const after = reliabilityBins({ confidence: Float64Array.from([0.3, 0.62, 0.65, 0.5]), correct: Uint8Array.from([0, 1, 0, 1]) });

  it('one accuracy bar per non-empty bin and series, as tall as the accuracy; ECE in the legend', () => {
    const svg = reliabilityDiagramSvg([{ label: 'before', bins: before }, { label: 'after <T>', bins: after }], { title: 'exit_0 & friends' });
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    const bars = [...svg.matchAll(/<rect class="accuracy" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)">/g)];
    assert.equal(bars.length, 3 + 3);
    // The plot is 330 px tall from y = 40: a bar's height is 330 x accuracy.
    const heights = bars.map((b) => Number(b[2]));
    assert.deepEqual(heights.slice(0, 3), [0, 330, 165]);
    assert.equal(svg.match(/<rect class="count"/g)?.length, 6);
    assert.ok(svg.includes('>before: ECE 0.3675<'));
    assert.ok(svg.includes('after &lt;T&gt;') && svg.includes('exit_0 &amp; friends'));
    assert.ok(!/NaN|Infinity/.test(svg));
  });
});
