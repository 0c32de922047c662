import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../src/graph/random.js';
import { BadRequestError } from '../../src/errors.js';
import { MAX_JSON_DEPTH, decodeInferRequest, nestsDeeper } from '../../src/protocol/v2-wire.js';

/** The reference: nesting depth of a parsed value, by recursion (fine at these depths). */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** Random JSON with strings full of brackets, quotes and backslashes, nested up to `depth`. */
function randomValue(rng: Random, depth: number): unknown {
  const pick = rng.int(depth > 0 ? 5 : 3);
  if (pick === 0) return rng.int(1000) - 500;
  if (pick === 1) return Array.from({ length: rng.int(6) }, () => '[]{}"\\\\ab'[rng.int(9)]).join('');
  if (pick === 2) return rng.int(2) === 0;
  if (pick === 3) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth - 1));
  return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, k) => [`k${k}"[{\\`, randomValue(rng, depth - 1)]));
}

describe('JSON nesting scan', () => {
  it('agrees with the depth of the parsed value on 2,000 random documents, strings with brackets and escapes included', () => {
    const rng = new Random(5);
    for (let k = 0; k < 2000; k++) {
      const text = JSON.stringify(randomValue(rng, 1 + rng.int(8)));
      const d = depthOf(JSON.parse(text));
      for (const limit of [0, 1, 3, 6]) assert.equal(nestsDeeper(text, limit), d > limit, `${text} (depth ${d}) at limit ${limit}`);
    }
  });

  it('refuses a million nested arrays before JSON.parse sees them', () => {
    const n = 1_000_000;
    const body = new TextEncoder().encode(`${'['.repeat(n)}${']'.repeat(n)}`);
    assert.throws(() => decodeInferRequest(body), (e: unknown) => e instanceof BadRequestError && e.message === `the JSON nests deeper than ${MAX_JSON_DEPTH} levels`);
  });
});
