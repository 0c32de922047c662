/** The --help text of a command, generated from its spec and option table. */
import type { CommandSpec } from './command.js';
import type { Option, OptionTable } from './option-table.js';
import { flagType } from './option-types.js';

/** The placeholder of an option's value: its own `arg`, else its type's. */
export const argOf = (o: Option<unknown>): string => o.arg ?? o.type.arg;

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
