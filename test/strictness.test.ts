import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { strictnessFindings, strictnessFindingsIn } from '../test-support/strictness.js';

/** The repository (tests run from build/test/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('strictness reader', () => {
  const findings = strictnessFindingsIn(join(ROOT, 'src'), ROOT);

  it('src/ throws only CleaveError subclasses, and each non-null assertion says why it holds', () => {
    assert.deepEqual(findings, [], findings.join('\n'));
  });

  it('flags plain errors, thrown strings and unexplained non-null assertions, with file and line', () => {
    const text = [
      'export function f(a: number[]): number {',
      "  if (a.length === 0) throw new Error('empty');",
      "  if (a.length > 9) throw 'long';",
      '  const r = RangeError(`x`);',
      '  return a[0]! + (r ? 1 : 0);',
      '}',
    ].join('\n');
    const found = strictnessFindings('src/x.ts', text);
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(found[0]!, /^src\/x\.ts:2: Error is not a CleaveError/);
    assert.match(found[1]!, /^src\/x\.ts:3: throws a StringLiteral/);
    assert.match(found[2]!, /^src\/x\.ts:4: RangeError is not a CleaveError/);
    assert.match(found[3]!, /^src\/x\.ts:5: `a\[0\]!`: a non-null assertion needs a comment/);
  });

  it('takes a comment on the line, above the statement, or a Bounds comment opening the function as the reason; not the function\'s own doc comment', () => {
    const explained = [
      'export function f(a: number[]): number {',
      '  return a[0]!; // a is never empty: f is called after the check',
      '}',
      'export function g(a: number[]): number {',
      '  let s = 0;',
      '  // i < a.length',
      '  for (let i = 0; i < a.length; i++) {',
      '    s += a[i]!;',
      '  }',
      '  return s;',
      '}',
      'export function h(a: Float64Array, n: number): number {',
      '  // Bounds: a holds n * n values and i, j < n.',
      '  let s = 0;',
      '  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += a[i * n + j]!;',
      '  return s + a[0]!;',
      '}',
      "export function k(): never { throw new BadRequestError('x'); }",
    ].join('\n');
    assert.deepEqual(strictnessFindings('src/y.ts', explained), []);
    const unexplained = [
      '/** The first element (a is never empty). */',
      'export function f(a: number[]): number {',
      '  // Bounds in the next function only.',
      '  const b = a[0]!;',
      '  return b + a[1]!;',
      '}',
    ].join('\n');
    assert.deepEqual(strictnessFindings('src/z.ts', unexplained).map((f) => f.slice(0, f.indexOf(': '))), ['src/z.ts:5']);
  });
});
