import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineCommand, type Invocation } from '../../src/cli/command.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { flag, option } from '../../src/cli/option-table.js';
import { between, duration, each, inputShapes, integer, list, number, oneOf, positive, text } from '../../src/cli/option-types.js';

const OPTIONS = {
  count: option(integer, { default: 3, check: positive, help: 'how many' }),
  ratio: option(number, { check: between(0, 1), help: 'a share' }),
  mode: option(oneOf('fast', 'slow'), { default: 'fast', arg: 'MODE', help: 'how to run' }),
  names: option(list(text, 'names'), { repeat: true, arg: 'A,B', help: 'names to use' }),
  weights: option(list(number), { check: each(positive), help: 'per-name weights' }),
  wait: option(duration, { default: 5, help: 'how long to wait' }),
  shape: option(inputShapes, { repeat: true, help: 'input shapes' }),
  out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write' }),
  verbose: flag('say more, in a help line long enough to be wrapped at one hundred columns by the help text generator'),
};

/** A command that hands back what its run received. */
function demo() {
  const seen: Invocation<typeof OPTIONS>[] = [];
  const out: string[] = [];
  const io = { stdout: (t: string) => { out.push(t); }, stderr: () => {} };
  const command = defineCommand({
    name: 'demo',
    summary: 'a command for tests',
    usage: 'INPUT [options]',
    description: 'Does nothing but record its arguments.',
    args: { min: 1, max: 2, says: 'one or two INPUT files' },
    options: OPTIONS,
    json: 'print as JSON',
    notes: 'A note.',
    examples: ['cleave demo a -o b'],
    async run(invocation) {
      seen.push(invocation);
      return EXIT.OK;
    },
  });
  return {
    command, out,
    parse: async (...argv: string[]) => {
      assert.equal(await command.run(argv, io), EXIT.OK);
      const last = seen[seen.length - 1];
      assert.ok(last);
      return last;
    },
    /** the usage error `argv` raises: its message (and that it maps to exit code 2) */
    error: async (...argv: string[]) => {
      try {
        await command.run(argv, io);
      } catch (e) {
        assert.equal(exitCodeFor(e), EXIT.USAGE, String(e));
        return (e as Error).message;
      }
      assert.fail(`${argv.join(' ')} was accepted`);
    },
  };
}

describe('defineCommand', () => {
  it('values arrive typed: numbers as numbers, lists as arrays, units converted, defaults filled in', async () => {
    const d = demo();
    const { values: v, positionals } = await d.parse('in.txt', '-o', 'x.json', '--count', '7', '--ratio', '0.25', '--names', 'a,b', '--weights', '1,2.5', '--wait', '0.2s');
    assert.deepEqual(positionals, ['in.txt']);
    assert.equal(v.count, 7);
    assert.equal(v.ratio, 0.25);
    assert.deepEqual(v.names, ['a', 'b']);
    assert.deepEqual(v.weights, [1, 2.5]);
    assert.equal(v.wait, 200);
    assert.equal(v.out, 'x.json');
    assert.equal(v.verbose, false);
    assert.equal(v.json, false);
    const defaults = (await d.parse('in.txt', '--out=y', '--verbose', '--json')).values;
    assert.deepEqual([defaults.count, defaults.ratio, defaults.mode, defaults.names, defaults.wait, defaults.shape], [3, undefined, 'fast', undefined, 5, undefined]);
    assert.equal(defaults.verbose, true);
    assert.equal(defaults.json, true);
  });

  it('types are checked at compile time too', async () => {
    const { values: v } = await demo().parse('i', '-o', 'f');
    const count: number = v.count;
    const mode: 'fast' | 'slow' = v.mode;
    const out: string = v.out;
    // @ts-expect-error an option without a default may be absent
    const ratio: number = v.ratio;
    // @ts-expect-error a flag is a boolean
    const verbose: string = v.verbose;
    assert.deepEqual([count, mode, out, ratio, verbose], [3, 'fast', 'f', undefined, false]);
  });

  it('a repeated flag appends (lists) or merges (input shapes); a single-valued one keeps the last', async () => {
    const { values: v } = await demo().parse('i', '-o', 'f', '--names', 'a', '--names', 'b,c', '--shape', 'x=1x2', '--shape', 'y=3', '--count', '1', '--count', '2');
    assert.deepEqual(v.names, ['a', 'b', 'c']);
    assert.deepEqual(v.shape, { x: [1, 2], y: [3] });
    assert.equal(v.count, 2);
  });

  it('a bad value names the flag, the value and what is accepted', async () => {
    const d = demo();
    const cases: [string[], string][] = [
      [['--count', '0'], '--count must be a positive integer, got "0"'],
      [['--count', '2.5'], '--count must be a positive integer, got "2.5"'],
      [['--ratio', '2'], '--ratio must be a number from 0 to 1, got "2"'],
      [['--ratio', 'half'], '--ratio must be a number from 0 to 1, got "half"'],
      [['--mode', 'medium'], '--mode must be fast or slow, got "medium"'],
      [['--weights', '1,0'], '--weights must be numbers separated by commas, each a positive number, got "1,0"'],
      [['--shape', 'x'], '--shape must be NAME=D1xD2x..., e.g. input=1x3x224x224, got "x"'],
    ];
    for (const [argv, message] of cases) assert.equal(await d.error('i', '-o', 'f', ...argv), message);
    assert.match(await d.error('i', '-o', 'f', '--wait', '3 fortnights'), /^--wait: unknown unit "fortnights"/);
  });

  it('unknown flags, missing values, missing required options and wrong positionals are usage errors', async () => {
    const d = demo();
    assert.equal(await d.error('i', '-o', 'f', '--cuont', '2'), 'unknown option --cuont (did you mean --count?); see `cleave demo --help`');
    assert.equal(await d.error('i', '-o', 'f', '--bogus'), 'unknown option --bogus; see `cleave demo --help`');
    assert.match(await d.error('i', '-o', 'f', '-x'), /^unknown option -x/);
    assert.equal(await d.error('i', '-o', 'f', '--count'), '--count needs a value: a positive integer; see `cleave demo --help`');
    assert.match(await d.error('i', '-o', 'f', '--verbose=yes'), /--verbose' does not take an argument; see `cleave demo --help`$/);
    assert.equal(await d.error('i'), 'demo needs -o/--out FILE: where to write');
    assert.equal(await d.error('-o', 'f'), 'demo takes one or two INPUT files, got none; see `cleave demo --help`');
    assert.equal(await d.error('a', 'b', 'c', '-o', 'f'), 'demo takes one or two INPUT files, got "a b c"; see `cleave demo --help`');
  });

  it('--help prints the help before any value is checked', async () => {
    const d = demo();
    assert.equal(await d.command.run(['--count', '0', '-h'], { stdout: (t) => d.out.push(t), stderr: () => {} }), EXIT.OK);
    assert.equal(d.out.join(''), d.command.help);
  });

  it('the help text is generated from the table: flags, placeholders, defaults, wrapping, --json and --help', () => {
    assert.equal(demo().command.help, `Usage: cleave demo INPUT [options]

Does nothing but record its arguments.

Options:
  --count N        how many (default 3)
  --ratio X        a share
  --mode MODE      how to run (default fast)
  --names A,B      names to use (repeatable)
  --weights X1,X2  per-name weights
  --wait TIME      how long to wait (default 5ms)
  --shape NAME=S   input shapes (repeatable)
  -o, --out FILE   where to write
  --verbose        say more, in a help line long enough to be wrapped at one hundred columns by the
                   help text generator
  --json           print as JSON
  -h, --help       show this help

A note.

Example:
  cleave demo a -o b
`);
  });

  it('options with a group are listed under its heading; --json and --help under Output', () => {
    const c = defineCommand({
      name: 'grouped', summary: 's', usage: '[options]', description: 'D.', args: { min: 0, says: 'options only' }, json: 'j',
      options: { a: option(text, { group: 'First', help: 'a' }), b: flag('b', { group: 'Second' }) },
      run: async () => EXIT.OK,
    });
    assert.match(c.help, /\nFirst:\n {2}--a TEXT +a\nSecond:\n {2}--b +b\nOutput:\n {2}--json +j\n {2}-h, --help +show this help\n$/);
  });
});
