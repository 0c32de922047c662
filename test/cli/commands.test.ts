import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../../test-support/cli/run-cli.js';

/** package.json read here, apart from src/version.ts. */
const PACKAGE = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Every command, the commands of groups (`exits add`) included. */
const ALL = COMMANDS.flatMap((c) => [c, ...(c.subcommands ?? [])]);

describe('cleave commands', () => {
  it('names are unique and `cleave --help` lists each with its summary', async () => {
    const names = COMMANDS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    const r = await runCli('--help');
    assert.equal(r.code, EXIT.OK);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`\\n  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
  });

  it("every command's help lists every option of its table, with --json and -h/--help", () => {
    for (const c of ALL) {
      assert.ok(c.options.json && c.options.help, `${c.name} lacks --json or --help`);
      assert.match(c.help, new RegExp(`^Usage:\\s+cleave ${c.name} `), c.name);
      for (const [name, o] of Object.entries(c.options)) {
        assert.match(c.help, new RegExp(`\\n  ${o.short ? `-${o.short}, ` : ''}--${name}[ \\n]`), `${c.name} --help does not list --${name}`);
        assert.ok(o.help.trim().length > 0, `${c.name} --${name} has no help line`);
      }
    }
  });

  it('every table is consistent: defaults pass their checks, repeated options can combine, required ones have no default', () => {
    for (const c of ALL) {
      for (const [name, o] of Object.entries(c.options)) {
        const where = `${c.name} --${name}`;
        if (o.default !== undefined && o.check) assert.ok(o.check.test(o.default), `${where}: default ${String(o.default)} fails its own check`);
        if (o.repeat) assert.ok(o.type.merge, `${where} repeats but its type cannot combine values`);
        if (o.required) assert.equal(o.default, undefined, `${where} is required and has a default`);
        if (o.short) assert.match(o.short, /^[a-zA-Z]$/, where);
      }
    }
  });

  it('--version prints the version in package.json; no command is a usage error', async () => {
    const r = await runCli('--version');
    assert.equal(r.code, EXIT.OK);
    assert.equal(r.stdout, `${PACKAGE.version}\n`);
    assert.equal((await runCli()).code, EXIT.USAGE);
    const unknown = await runCli('analyse');
    assert.equal(unknown.code, EXIT.USAGE);
    assert.match(unknown.stderr, /unknown command "analyse"; commands: analyze, /);
  });

  it('a group lists its commands; a subcommand runs through main() with its own flags and errors', async () => {
    const exits = COMMANDS.find((c) => c.name === 'exits');
    assert.ok(exits?.subcommands?.length);
    const list = await runCli('exits');
    assert.equal(list.code, EXIT.USAGE);
    for (const c of exits.subcommands) assert.match(list.stdout, new RegExp(`\\n  ${c.name.slice('exits '.length)} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    assert.equal((await runCli('exits', '--help')).code, EXIT.OK);
    const help = await runCli('exits', 'add', '--help');
    assert.equal(help.code, EXIT.OK);
    assert.match(help.stdout, /^Usage:\n  cleave exits add MODEL --at/);
    const typo = await runCli('exits', 'calibrat');
    assert.equal(typo.code, EXIT.USAGE);
    assert.equal(typo.stderr, 'cleave exits: unknown command "exits calibrat" (did you mean "exits calibrate"?); commands: add, train, calibrate, evaluate, plan\n');
    const bad = await runCli('exits', 'add', 'm.onnx', '--count', '0', '-o', 'x.onnx');
    assert.equal(bad.code, EXIT.USAGE);
    assert.equal(bad.stderr, 'cleave exits: --count must be an integer from 1 to 32, got "0"\n');
  });

  it('a bad flag through main(): one line naming the command, exit code 2', async () => {
    const r = await runCli('simulate', '--payload', '1KB', '--network', '4g', '--runs', 'many');
    assert.equal(r.code, EXIT.USAGE);
    assert.equal(r.stderr, 'cleave simulate: --runs must be a positive integer, got "many"\n');
  });
});
