import { InternalError } from './errors.js';

/*
 * Checked access for lookups whose miss would be a bug in cleave (an index the code computed, a
 * key it stored): the value, or an InternalError naming what was missing. Where a miss is the
 * caller's fault, validate and throw that error instead; in hot loops whose bounds the loop
 * itself establishes, index with a commented `!` (these calls cost a branch per element): a
 * comment on its line or above its statement, or a `// Bounds: ...` comment opening the function
 * that states the invariant keeping all of its indices in range (test-support/strictness.ts).
 */

/**
 * `items[index]` (a negative index counts from the end, as `Array.prototype.at` does), or an
 * InternalError naming `what` when the index is outside the items.
 */
export function at<T>(items: ArrayLike<T>, index: number, what: string): T {
  const i = index < 0 ? items.length + index : index;
  if (!(Number.isInteger(i) && i >= 0 && i < items.length)) {
    throw new InternalError(`${what}: index ${index} is outside the ${items.length} there are`);
  }
  return items[i]!; // 0 <= i < length, just checked
}

/** `map.get(key)`, or an InternalError naming `what` when the key is not there. */
export function lookup<K, V>(map: ReadonlyMap<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined && !map.has(key)) throw new InternalError(`${what}: no entry for ${String(key)}`);
  return value as V; // present (has(key)), so V, even when V itself admits undefined
}
