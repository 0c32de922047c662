/**
 * Commands declared as data. Adding a command is one file, src/cli/<name>.ts, plus one line in
 * the list in commands.ts:
 *
 * ```ts
 * export const fooCommand = defineCommand({
 *   name: 'foo',
 *   summary: 'one line for `cleave --help`',
 *   usage: 'MODEL [options]',                // or several lines: ['FORM 1', 'FORM 2']
 *   description: `Paragraphs under the usage line: what the command does and how.`,
 *   args: { min: 1, says: 'one MODEL file' }, // positionals: min, max (default min), wording
 *   options: {                                 // the option table: option-table.ts
 *     batch: option(integer, { default: 1, check: positive, help: 'batch size' }),
 *     out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write' }),
 *   },
 *   json: 'what --json prints',
 *   notes: `Paragraphs after the options (optional).`,
 *   examples: ['cleave foo model.onnx -o out.json'],
 *   async run({ values: v, positionals: [model] }, io) {
 *     // v.batch is a number, v.out a string, v.json a boolean: parse, call the library, print
 *     return EXIT.OK;
 *   },
 * });
 * ```
 *
 * From the spec come the node:util parseArgs config, the conversion and validation of every
 * value (a bad flag is a BadRequestError naming the flag, the value and what is accepted: exit
 * code 2), `--json`, `-h/--help` and the help text. `run` only sees valid, typed values; checks
 * that join several flags stay in it. A value type of its own (a device name or file) is a
 * `ValueType` written in the command's file (option-types.ts shows the pattern).
 */
import { parseArgs } from 'node:util';
import { distance } from 'fastest-levenshtein';
import { BadRequestError, InternalError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { argOf, renderHelp } from './help.js';
import type { CliIo } from './io.js';
import { flag, type Option, type OptionTable, type Values } from './option-table.js';
import { flagType } from './option-types.js';

/**
 * The positional arguments of a command that takes at least `M`: the first M are typed as
 * present, because defineCommand refuses fewer before `run`.
 */
export type Positionals<M extends number> = M extends 1 ? readonly [string, ...string[]]
  : M extends 2 ? readonly [string, string, ...string[]]
  : readonly string[];

/** What `run` receives. */
export interface Invocation<O extends OptionTable, M extends number = number> {
  readonly values: Values<O>;
  readonly positionals: Positionals<M>;
}

/** How many positional arguments a command takes, and how the usage error words them. */
export interface Arity<M extends number = number> {
  readonly min: M;
  /** default `min`; Infinity for any number */
  readonly max?: number;
  /** completes "cleave CMD takes ...": 'one MODEL file', 'options only' */
  readonly says: string;
}

export interface CommandSpec<O extends OptionTable, M extends number = number> {
  readonly name: string;
  /** one line in `cleave --help` */
  readonly summary: string;
  /** what follows "cleave NAME " on the usage line(s) */
  readonly usage: string | readonly string[];
  /** paragraphs between the usage and the options */
  readonly description: string;
  readonly args: Arity<M>;
  readonly options: O;
  /** help line of --json: what the JSON holds */
  readonly json: string;
  /** paragraphs after the options */
  readonly notes?: string;
  readonly examples?: readonly string[];
  run(invocation: Invocation<O, M>, io: CliIo): Promise<number>;
}

/** A command as main() and tests see it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** the --help text */
  readonly help: string;
  /** the option table, --json and --help included */
  readonly options: OptionTable;
  /** a group's commands (`cleave exits add`), each named with the group's name first */
  readonly subcommands?: readonly Command[];
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

export function defineCommand<const O extends OptionTable, const M extends number>(spec: CommandSpec<O, M>): Command {
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
      // convert() gives each field the type its row declares; a loop over keys cannot show that to tsc, so it is typed here once.
      const values = convert(raw.values, options, spec.name) as Values<O>;
      // The count was checked against args.min just above: the shape Positionals<M> promises.
      return spec.run({ values, positionals: raw.positionals as unknown as Positionals<M> }, io);
    },
  };
}

/** A group of commands under one name: `cleave exits add ...` runs the command named "exits add". */
export interface GroupSpec {
  readonly name: string;
  readonly summary: string;
  /** paragraphs under the usage line */
  readonly description: string;
  /** defined with defineCommand, each named "<group> <word>" */
  readonly commands: readonly Command[];
}

/**
 * A command whose first argument picks one of its subcommands; `cleave GROUP` alone or with
 * --help lists them. Each subcommand is an ordinary command (its own table, --help, --json).
 */
export function defineGroup(spec: GroupSpec): Command {
  const word = (c: Command) => c.name.slice(spec.name.length + 1);
  for (const c of spec.commands) if (!c.name.startsWith(`${spec.name} `)) throw new InternalError(`command "${c.name}" of group "${spec.name}" must be named "${spec.name} <word>"`);
  const options: OptionTable = { json: flag('(give it to a command: see its --help)'), help: flag('show this help', { short: 'h' }) };
  const width = Math.max(...spec.commands.map((c) => word(c).length));
  const help = [
    `Usage: cleave ${spec.name} COMMAND [options]   (cleave ${spec.name} COMMAND --help for details)`,
    spec.description.trim(),
    `Commands:\n${spec.commands.map((c) => `  ${word(c).padEnd(width)}  ${c.summary}`).join('\n')}`,
    `Options:\n  --json      ${options.json?.help}\n  -h, --help  ${options.help?.help}`,
  ].join('\n\n').concat('\n');
  return {
    name: spec.name,
    summary: spec.summary,
    help,
    options,
    subcommands: spec.commands,
    async run(argv, io) {
      const [first, ...rest] = argv;
      if (first === undefined || first === '-h' || first === '--help') {
        io.stdout(help);
        return first === undefined ? EXIT.USAGE : EXIT.OK;
      }
      const command = spec.commands.find((c) => word(c) === first);
      if (!command) {
        const near = nearest(first, spec.commands.map(word));
        throw new BadRequestError(`unknown command "${spec.name} ${first}"${near ? ` (did you mean "${spec.name} ${near}"?)` : ''}; commands: ${spec.commands.map(word).join(', ')}`);
      }
      return command.run(rest, io);
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
      const near = unknown[1] === '--' ? nearest(unknown[2], Object.keys(options)) : undefined;
      throw new BadRequestError(`unknown option ${unknown[1]}${unknown[2]}${near ? ` (did you mean --${near}?)` : ''}${see}`);
    }
    const missing = /^Option '(?:-\w, )?--([^ ']+) <value>' argument missing/.exec(message);
    const o = missing?.[1] === undefined ? undefined : options[missing[1]];
    if (missing?.[1] !== undefined && o) throw new BadRequestError(`--${missing[1]} needs a value: ${accepted(o)}${see}`);
    throw new BadRequestError(`${message.replace(/\. To specify.*$/s, '')}${see}`);
  }
}

/** The option name a mistyped one was probably meant to be: two edits away, or a third of its letters. */
function nearest(typed: string, names: readonly string[]): string | undefined {
  const [best] = names.map((n) => ({ n, d: distance(typed, n) })).sort((a, b) => a.d - b.d);
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.n : undefined;
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
      if (o.required) throw new BadRequestError(`${command} needs ${flagName(name, o)} ${argOf(o)}: ${o.help}`);
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
