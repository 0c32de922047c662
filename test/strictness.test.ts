import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { UNEXPLAINED_NON_NULL } from '../test-support/strictness-baseline.js';
import { type Finding, strictnessFindings, strictnessFindingsIn } from '../test-support/strictness.js';

/** The repository (tests run from build/test/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const isNonNull = (f: Finding): boolean => f.includes('a non-null assertion');
const fileOf = (f: Finding): string => f.slice(0, f.indexOf(':'));

describe('strictness reader', () => {
  const findings = strictnessFindingsIn(join(ROOT, 'src'), ROOT);

  it('src/ throws only CleaveError subclasses', () => {
    const found = findings.filter((f) => !isNonNull(f));
    assert.deepEqual(found, [], found.join('\n'));
  });

  it('src/ has no unexplained non-null assertion beyond the files still listed in strictness-baseline.ts, and the list only shrinks', () => {
    const count = new Map<string, number>();
    for (const f of findings.filter(isNonNull)) count.set(fileOf(f), (count.get(fileOf(f)) ?? 0) + 1);
    const over = [...count].filter(([file, n]) => n > (UNEXPLAINED_NON_NULL[file] ?? 0));
    assert.deepEqual(over.map(([file]) => file), [], findings.filter((f) => over.some(([file]) => fileOf(f) === file)).join('\n'));
    // A file fixed (fully or in part) lowers its entry, so what was fixed stays fixed.
    const stale = Object.entries(UNEXPLAINED_NON_NULL).filter(([file, n]) => (count.get(file) ?? 0) < n);
    assert.deepEqual(stale.map(([file, n]) => `${file}: ${n} listed, ${count.get(file) ?? 0} found`), []);
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
