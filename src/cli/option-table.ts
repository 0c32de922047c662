/**
 * The option table of a command (command.ts declares commands; commands.ts lists them).
 *
 * A table maps each flag's name (without `--`) to an entry made by `option(type, fields)`:
 *
 * ```ts
 * options: {
 *   batch: option(integer, { default: 1, check: positive, help: 'batch size for symbolic batch dims' }),
 *   table: option(oneOf('nodes', 'cuts', 'all'), { default: 'all', arg: 'WHICH', help: 'which table to print' }),
 *   at: option(list(text, 'tensors'), { required: true, repeat: true, arg: 'T1[,T2...]', help: 'tensors to cut at' }),
 *   out: option(text, { short: 'o', arg: 'FILE', help: 'where to write' }),
 *   csv: flag('print the table(s) as CSV'),
 * }
 * ```
 *
 * - `type` (option-types.ts): integer, number, text, oneOf(...), list(type), duration (ms), size
 *   (bytes), rate (bit/s), percent (fraction), inputShapes, or the boolean `flag(help)`. The
 *   value reaching `run` is already of that type: numbers are numbers, validated once.
 * - `default`: the value when the flag is absent (shown in --help); without one (and without
 *   `required`) the value may be undefined. A flag is false when absent.
 * - `check`: a constraint beyond the type (`positive`, `atLeast(0)`, `between(a, b)`,
 *   `each(c)`, `matches(re, words)`); a failure says "--NAME must be <what check accepts>,
 *   got "<text>"", a usage error (exit code 2).
 * - `help`: the line in --help; `arg` names the value (default from the type), `short` a
 *   one-letter alias, `group` a heading in --help, `repeat` lets the flag be given again
 *   (lists append), `required` makes `cleave CMD` fail when it is missing.
 *
 * Every command also gets `--json` (its help line is the spec's `json`) and `-h, --help`; the
 * help text, the node:util parseArgs config and the validation are all generated from the table.
 * Checks that join several flags ("--busy-w must be >= --idle-w") stay in `run`.
 */
import { type Check, flagType, type ValueType } from './option-types.js';

/** One row of an option table; see the file comment. */
export interface Option<T> {
  readonly type: ValueType<T>;
  readonly help: string;
  readonly default?: T;
  readonly check?: Check<T>;
  readonly required?: boolean;
  readonly repeat?: boolean;
  readonly short?: string;
  readonly arg?: string;
  readonly group?: string;
}

export type OptionTable = Readonly<Record<string, Option<unknown>>>;

type Fields<T> = Omit<Option<T>, 'type'>;

/** A table row: `type` decides the value's type, `fields` are checked against it. */
export function option<T, const F extends Fields<T>>(type: ValueType<T>, fields: F): F & { readonly type: ValueType<T> } {
  return { ...fields, type };
}

/** A boolean flag (false when absent). */
export function flag(help: string, fields: Omit<Fields<boolean>, 'help' | 'default'> = {}): { readonly type: ValueType<boolean>; readonly help: string; readonly default: false } {
  return { ...fields, type: flagType, help, default: false };
}

type ValueOf<O> = O extends { readonly type: ValueType<infer T> }
  ? O extends { readonly default: unknown } | { readonly required: true } ? T : T | undefined
  : never;

/** The parsed values of a table: one typed field per option, plus `json`. */
export type Values<O extends OptionTable> = { readonly [K in keyof O]: ValueOf<O[K]> } & { readonly json: boolean };
