/**
 * Value types and checks of command-line options: the one place where the text after a flag
 * becomes a number, a size, a duration or a list, and where what a flag accepts is worded for
 * `--help` and for error messages ("--batch must be a positive integer, got "0"").
 */
import { parseBitRate, parseBytes, parseDurationMs, parsePercent } from '../net/units.js';

/** What a type or check says it accepts, for messages. */
export interface Described {
  /** bare noun: 'integer', 'numbers' */
  readonly noun: string;
  /** noun phrase completing "--flag must be ...": 'an integer', 'numbers separated by commas' */
  readonly accepts: string;
  /** a list's element type */
  readonly element?: Described;
}

/**
 * How the text after a flag becomes a value. Method syntax keeps a `ValueType<number>` usable
 * where any option is expected (parameters of methods are compared both ways).
 */
export interface ValueType<T> extends Described {
  /** placeholder in --help: N, X, SIZE (an option may name its own: FILE, TENSOR) */
  readonly arg: string;
  /**
   * The value, or undefined when the text is not of this type (the caller then says what is
   * accepted). Parsers with finer diagnoses (units) throw a BadRequestError naming `flag`.
   */
  parse(text: string, flag: string): T | undefined;
  /** how a default is shown in --help (default String) */
  show?(value: T): string;
  /** how the values of a repeated flag combine; a type without it cannot repeat */
  merge?(a: T, b: T): T;
}

/** A constraint beyond the type: `positive`, `atLeast(0)`, `between(576, 65535)`. */
export interface Check<T> {
  test(value: T): boolean;
  /** the whole accepted set as a noun phrase, given the option's type */
  says(type: Described): string;
}

/** A boolean flag: present or not; it takes no value. */
export const flagType: ValueType<boolean> = { noun: 'flag', accepts: 'no value', arg: '', parse: () => undefined };

export const integer: ValueType<number> = {
  noun: 'integer',
  accepts: 'an integer',
  arg: 'N',
  parse: (t) => (/^[-+]?\d+$/.test(t.trim()) && Number.isSafeInteger(Number(t)) ? Number(t) : undefined),
};

export const number: ValueType<number> = {
  noun: 'number',
  accepts: 'a number',
  arg: 'X',
  parse: (t) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined),
};

/** Any text: a name, a file, a URL. */
export const text: ValueType<string> = { noun: 'text', accepts: 'text', arg: 'TEXT', parse: (t) => t };

/** One of a few words; the value's type is their union. */
export function oneOf<const W extends readonly string[]>(...words: W): ValueType<W[number]> {
  const spelled = words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}` : String(words[0]);
  return { noun: 'word', accepts: spelled, arg: words.join('|'), parse: (t) => words.find((w) => w === t) };
}

/**
 * Comma-separated values of `element` (empty items are skipped); a repeated flag appends.
 * `noun` is the plural for messages (default: the element's noun + s).
 */
export function list<E>(element: ValueType<E>, noun = `${element.noun}s`): ValueType<readonly E[]> {
  return {
    noun,
    accepts: `${noun} separated by commas`,
    element,
    arg: `${element.arg}1,${element.arg}2`,
    parse(t, flag) {
      const out: E[] = [];
      for (const item of t.split(',').map((s) => s.trim()).filter(Boolean)) {
        const v = element.parse(item, flag);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out.length ? out : undefined;
    },
    show: (v) => v.map((x) => (element.show ? element.show(x) : String(x))).join(','),
    merge: (a, b) => [...a, ...b],
  };
}

/** A time such as 50ms, 0.2s or 300us, as milliseconds (a bare number is ms). */
export const duration: ValueType<number> = {
  noun: 'duration',
  accepts: 'a duration such as 50ms or 0.2s',
  arg: 'TIME',
  parse: (t, flag) => parseDurationMs(t, `--${flag}`),
  show: (ms) => `${ms}ms`,
};

/** A byte count such as 250KB, 1.5MiB or 4096. */
export const size: ValueType<number> = { noun: 'size', accepts: 'a size such as 250KB or 1.5MiB', arg: 'SIZE', parse: (t, flag) => parseBytes(t, `--${flag}`) };

/** A bit rate such as 10mbit or 500kbit, as bit/s. */
export const rate: ValueType<number> = { noun: 'rate', accepts: 'a rate such as 10mbit or 500kbit', arg: 'RATE', parse: (t, flag) => parseBitRate(t, `--${flag}`) };

/** A percentage such as 1% or 0.5%, as a fraction. */
export const percent: ValueType<number> = {
  noun: 'percentage',
  accepts: 'a percentage such as 1% or 0.5%',
  arg: 'P',
  parse: (t, flag) => parsePercent(t, `--${flag}`),
  show: (f) => `${f * 100}%`,
};

/** `NAME=D1xD2x...` (an input's shape); a repeated flag adds inputs. */
export const inputShapes: ValueType<Readonly<Record<string, number[]>>> = {
  noun: 'input shape',
  accepts: 'NAME=D1xD2x..., e.g. input=1x3x224x224',
  arg: 'NAME=S',
  parse(t) {
    const m = /^(.+)=(\d+(?:x\d+)*)$/.exec(t);
    return m?.[1] && m[2] ? { [m[1]]: m[2].split('x').map(Number) } : undefined;
  },
  merge: (a, b) => ({ ...a, ...b }),
};

const article = (phrase: string): string => (/^[aeiou]/i.test(phrase) ? 'an' : 'a');

export const positive: Check<number> = { test: (v) => v > 0, says: (t) => `a positive ${t.noun}` };

export function atLeast(min: number): Check<number> {
  return { test: (v) => v >= min, says: (t) => `${t.accepts} >= ${min}` };
}

export function between(min: number, max: number): Check<number> {
  return { test: (v) => v >= min && v <= max, says: (t) => `${article(t.noun)} ${t.noun} from ${min} to ${max}` };
}

/** Every element of a list passes `check`. */
export function each<E>(check: Check<E>): Check<readonly E[]> {
  return { test: (v) => v.every((x) => check.test(x)), says: (t) => `${t.accepts}, each ${check.says(t.element ?? t)}` };
}

/** Text matching a pattern, described in words. */
export function matches(pattern: RegExp, says: string): Check<string> {
  return { test: (v) => pattern.test(v), says: () => says };
}
