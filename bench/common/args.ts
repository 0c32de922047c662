/**
 * Command-line arguments of the bench scripts: one declarative table per script, in the CLI's
 * vocabulary (src/cli/option-table.ts: `option(type, { default, check, help })`, `flag(help)`),
 * so values arrive typed and checked, and `--help` prints the usage and exits 0 before the
 * bench runs anything. A bad flag prints what was wrong and exits 2.
 *
 * ```ts
 * const { values } = benchArgs({
 *   script: 'bench/train/run.js',
 *   description: 'Training throughput of LeNet and the small VGG against PyTorch.',
 *   options: { pairs: option(integer, { default: 5, check: positive, help: 'cleave/PyTorch pairs' }) },
 * });
 * ```
 */
import { parseArgs } from 'node:util';
import { argOf } from '../../src/cli/help.js';
import { flag, type Option, type OptionTable, type Values } from '../../src/cli/option-table.js';
import { flagType } from '../../src/cli/option-types.js';

/** Positional arguments: how many, and their names for the usage line. */
export interface BenchPositionals {
  readonly min: number;
  readonly max: number;
  /** e.g. 'KIND BATCH [RUNS]' */
  readonly usage: string;
}

export interface BenchSpec<O extends OptionTable> {
  /** the script under build/, e.g. 'bench/train/run.js' */
  readonly script: string;
  /** what it measures and against what (paragraphs) */
  readonly description: string;
  readonly options: O;
  /** default: none */
  readonly positionals?: BenchPositionals;
  /** paragraphs after the options: what it writes, what it needs */
  readonly notes?: string;
}

export type BenchValues<O extends OptionTable> = Omit<Values<O>, 'json'>;

/** The usage text of a bench script. */
export function benchUsage(spec: BenchSpec<OptionTable>): string {
  const options: OptionTable = { ...spec.options, help: flag('print this text and exit') };
  const rows = Object.entries(options).map(([name, o]) => {
    const value = o.type === flagType ? '' : ` ${argOf(o)}`;
    const extra = o.type !== flagType && o.default !== undefined ? ` (default ${o.type.show ? o.type.show.call(o.type, o.default) : String(o.default)})` : '';
    return [`--${name}${value}`, `${o.help}${extra}`] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  const positionals = spec.positionals ? ` ${spec.positionals.usage}` : '';
  return [
    `Usage: node build/${spec.script}${positionals} [options]`,
    spec.description.trim(),
    ['Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`)].join('\n'),
    ...(spec.notes ? [spec.notes.trim()] : []),
  ].join('\n\n').concat('\n');
}

/** One option's value from its text: the type's parse, then its check. */
function valueOf(o: Option<unknown>, name: string, text: string): unknown {
  const v = o.type.parse(text, name);
  if (v === undefined || (o.check && !o.check.test(v))) {
    throw new Error(`--${name} must be ${o.check ? o.check.says(o.type) : o.type.accepts}, got "${text}"`);
  }
  return v;
}

function parse<O extends OptionTable>(spec: BenchSpec<O>, argv: readonly string[]): { values: BenchValues<O>; positionals: string[] } {
  const config = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type === flagType ? ('boolean' as const) : ('string' as const) }]));
  const raw = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true });
  const p = spec.positionals ?? { min: 0, max: 0, usage: '' };
  if (raw.positionals.length < p.min || raw.positionals.length > p.max) {
    throw new Error(p.max === 0 ? `takes no positional arguments, got "${raw.positionals.join(' ')}"` : `takes ${p.usage}, got "${raw.positionals.join(' ')}"`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const text = raw.values[name];
    values[name] = o.type === flagType ? text === true : typeof text === 'string' ? valueOf(o, name, text) : o.default;
  }
  // Each field has the type its row declares (valueOf parsed it with that row's type).
  return { values: values as BenchValues<O>, positionals: raw.positionals };
}

/**
 * The bench's arguments, typed. `--help` (or `-h`) prints the usage and exits 0; a bad argument
 * prints the problem and exits 2. Call it before the bench does any work.
 */
export function benchArgs<const O extends OptionTable>(spec: BenchSpec<O>, argv: readonly string[] = process.argv.slice(2)): { values: BenchValues<O>; positionals: string[] } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(benchUsage(spec));
    process.exit(0);
  }
  try {
    return parse(spec, argv);
  } catch (e) {
    return usageError(spec, e instanceof Error ? e.message : String(e));
  }
}

/** A bad argument the table cannot check (e.g. a positional's value): says what and exits 2. */
export function usageError(spec: Pick<BenchSpec<OptionTable>, 'script'>, message: string): never {
  process.stderr.write(`${spec.script}: ${message}\nSee: node build/${spec.script} --help\n`);
  process.exit(2);
}

/** A comma-separated list of positive numbers (e.g. --rates 5,20,50), or `fallback` when the option is absent. */
export function positiveList(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback];
  const xs = value.split(',').map(Number);
  if (xs.some((x) => !(x > 0))) throw new Error(`expected a comma-separated list of positive numbers, got "${value}"`);
  return xs;
}
