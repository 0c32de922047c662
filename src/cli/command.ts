/**
 * Commands declared as data. A command is one file under src/cli/ exporting
 * `const fooCommand = defineCommand({...})`, plus one line in the list in commands.ts.
 *
 * The option table maps each flag's name (without `--`) to an entry made by `option(type, fields)`:
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
import { parseArgs } from 'node:util';
import { distance } from 'fastest-levenshtein';
import { BadRequestError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import type { CliIo } from './io.js';
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

/** What `run` receives. */
export interface Invocation<O extends OptionTable> {
  readonly values: Values<O>;
  readonly positionals: readonly string[];
}

/** How many positional arguments a command takes, and how the usage error words them. */
export interface Arity {
  readonly min: number;
  /** default `min`; Infinity for any number */
  readonly max?: number;
  /** completes "cleave CMD takes ...": 'one MODEL file', 'options only' */
  readonly says: string;
}

export interface CommandSpec<O extends OptionTable> {
  readonly name: string;
  /** one line in `cleave --help` */
  readonly summary: string;
  /** what follows "cleave NAME " on the usage line(s) */
  readonly usage: string | readonly string[];
  /** paragraphs between the usage and the options */
  readonly description: string;
  readonly args: Arity;
  readonly options: O;
  /** help line of --json: what the JSON holds */
  readonly json: string;
  /** paragraphs after the options */
  readonly notes?: string;
  readonly examples?: readonly string[];
  run(invocation: Invocation<O>, io: CliIo): Promise<number>;
}

/** A command as main() and tests see it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** the --help text */
  readonly help: string;
  /** the option table, --json and --help included */
  readonly options: OptionTable;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export function defineCommand<const O extends OptionTable>(spec: CommandSpec<O>): Command {
  const grouped = Object.values(spec.options).some((o) => o.group !== undefined);
  const options: OptionTable = {
    ...spec.options,
    json: flag(spec.json, grouped ? { group: 'Output' } : {}),
    help: flag('show this help', { short: 'h', ...(grouped ? { group: 'Output' } : {}) }),
  };
  const help = renderHelp(spec, options);
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    options,
    async run(argv, io) {
      const raw = parseRaw(argv, options, spec.name);
      if (raw.values.help === true) {
        io.stdout(help);
        return EXIT.OK;
      }
      const max = spec.args.max ?? spec.args.min;
      const n = raw.positionals.length;
      if (n < spec.args.min || n > max) {
        throw new BadRequestError(`${spec.name} takes ${spec.args.says}, got ${n ? `"${raw.positionals.join(' ')}"` : 'none'}; see \`cleave ${spec.name} --help\``);
      }
      // The table's types make each field's type; the check is per field, so the record is cast once here.
      const values = convert(raw.values, options, spec.name) as Values<O>;
      return spec.run({ values, positionals: raw.positionals }, io);
    },
  };
}

type RawValue = string | boolean | (string | boolean)[] | undefined;

function parseRaw(argv: readonly string[], options: OptionTable, command: string): { values: Record<string, RawValue>; positionals: string[] } {
  const config = Object.fromEntries(Object.entries(options).map(([name, o]) => [name, {
    type: o.type === flagType ? ('boolean' as const) : ('string' as const),
    ...(o.repeat ? { multiple: true } : {}),
    ...(o.short ? { short: o.short } : {}),
  }]));
  try {
    return parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  } catch (e) {
    const see = `; see \`cleave ${command} --help\``;
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(message);
    if (unknown?.[2] !== undefined) {
      const near = nearest(unknown[2], Object.keys(options));
      throw new BadRequestError(`unknown option ${unknown[1]}${unknown[2]}${near ? ` (did you mean --${near}?)` : ''}${see}`);
    }
    const missing = /^Option '(?:-\w, )?--([^ ']+) <value>' argument missing/.exec(message);
    const o = missing?.[1] === undefined ? undefined : options[missing[1]];
    if (missing?.[1] !== undefined && o) throw new BadRequestError(`--${missing[1]} needs a value: ${accepted(o)}${see}`);
    throw new BadRequestError(`${message.replace(/\. To specify.*$/s, '')}${see}`);
  }
}

/** The option name a mistyped one was probably meant to be: within a third of its letters. */
function nearest(typed: string, names: readonly string[]): string | undefined {
  const [best] = names.map((n) => ({ n, d: distance(typed, n) })).sort((a, b) => a.d - b.d);
  return best && best.d <= Math.max(1, Math.floor(typed.length / 3)) ? best.n : undefined;
}

/** What an option accepts, in words: its check's phrase, else its type's. */
function accepted(o: Option<unknown>): string {
  return o.check ? o.check.says(o.type) : o.type.accepts;
}

function parseOne(o: Option<unknown>, name: string, t: string): unknown {
  const v = o.type.parse(t, name);
  if (v === undefined || (o.check && !o.check.test(v))) throw new BadRequestError(`--${name} must be ${accepted(o)}, got "${t}"`);
  return v;
}

function convert(raw: Record<string, RawValue>, options: OptionTable, command: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(options)) {
    const r = raw[name];
    if (o.type === flagType) out[name] = r === true;
    else if (r === undefined) {
      if (o.required) throw new BadRequestError(`${command} needs ${flagName(name, o)} ${argOf(o)} (${o.help})`);
      out[name] = o.default;
    } else {
      const texts = (Array.isArray(r) ? r : [r]).map(String);
      const merge = o.type.merge;
      out[name] = texts.map((t) => parseOne(o, name, t)).reduce((a, b) => (merge ? merge.call(o.type, a, b) : b));
    }
  }
  return out;
}

const flagName = (name: string, o: Option<unknown>): string => (o.short ? `-${o.short}/--${name}` : `--${name}`);
const argOf = (o: Option<unknown>): string => o.arg ?? o.type.arg;

/** Help column width: the flag column is at most this wide before the text starts. */
const FLAG_COLUMN = 24;
const LINE_WIDTH = 100;

/** `text` wrapped at LINE_WIDTH, continuation lines indented by `indent`. */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

function optionLine(name: string, o: Option<unknown>): [string, string] {
  const flags = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === flagType ? '' : ` ${argOf(o)}`}`;
  const show = (v: unknown): string => (o.type.show ? o.type.show.call(o.type, v) : String(v));
  const extra = [o.type !== flagType && o.default !== undefined ? `default ${show(o.default)}` : '', o.repeat ? 'repeatable' : ''].filter(Boolean);
  return [flags, `${o.help}${extra.length ? ` (${extra.join('; ')})` : ''}`];
}

/** The --help text of a command, from its spec and full option table. */
export function renderHelp(spec: CommandSpec<OptionTable>, options: OptionTable): string {
  const usage = typeof spec.usage === 'string' ? [spec.usage] : spec.usage;
  const rows = Object.entries(options).map(([name, o]) => ({ group: o.group, line: optionLine(name, o) }));
  const width = Math.min(FLAG_COLUMN, Math.max(...rows.map((r) => r.line[0].length)));
  const groups = [...new Set(rows.map((r) => r.group ?? 'Options'))];
  const body = groups.map((g) => [`${g}:`, ...rows.filter((r) => (r.group ?? 'Options') === g).map(({ line: [f, h] }) => {
    const pad = f.length > width ? `\n${' '.repeat(width + 4)}` : ' '.repeat(width - f.length + 2);
    return `  ${f}${pad}${wrap(h, width + 4)}`;
  })].join('\n'));
  return [
    usage.length === 1 ? `Usage: cleave ${spec.name} ${usage[0]}` : `Usage:\n${usage.map((u) => `  cleave ${spec.name} ${u}`).join('\n')}`,
    spec.description.trim(),
    body.join('\n'),
    ...(spec.notes ? [spec.notes.trim()] : []),
    ...(spec.examples?.length ? [`Example${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  ${e}`).join('\n')}`] : []),
  ].join('\n\n').concat('\n');
}
