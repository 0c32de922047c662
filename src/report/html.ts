/** Small pieces of HTML for the report: escaped text, tables, JSON and scripts safe inside a page. */
import { esc } from './svg.js';

/** One table cell: text (escaped), or HTML already made safe by the caller. */
export type Cell = string | number | { readonly html: string };

const cell = (c: Cell): string => (typeof c === 'object' ? c.html : esc(String(c)));

/** A table: caption, a header row, body rows; columns whose every cell is a number are right-aligned. */
export function htmlTable(caption: string, head: readonly string[], rows: readonly (readonly Cell[])[], o: { readonly id?: string; readonly className?: string } = {}): string {
  // A column of figures (a '-' or an empty cell where there is none) is right-aligned.
  const figure = (c: Cell | undefined): boolean => typeof c !== 'object' && /^[-+]?[\d.,]+(e[-+]?\d+)?( ?(%|ms|mJ|B|KiB|MiB|GiB))?$/.test(String(c));
  const blank = (c: Cell | undefined): boolean => c === undefined || c === '' || c === '-';
  const numeric = head.map((_, k) => rows.some((r) => figure(r[k])) && rows.every((r) => figure(r[k]) || blank(r[k])));
  const cls = (k: number) => (numeric[k] ? ' class="num"' : '');
  return [
    '<div class="scroll">',
    `<table${o.id ? ` id="${esc(o.id)}"` : ''}${o.className ? ` class="${esc(o.className)}"` : ''}>`,
    `<caption>${esc(caption)}</caption>`,
    `<thead><tr>${head.map((h, k) => `<th scope="col"${cls(k)}>${esc(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c, k) => `<td${cls(k)}>${cell(c)}</td>`).join('')}</tr>`),
    '</tbody></table></div>',
  ].join('\n');
}

/**
 * A table that may be long: shown open when it has at most `openRows` rows, else folded in a
 * <details> (still in the document for screen readers and search).
 */
export function foldedTable(summary: string, table: string, rows: number, openRows = 12): string {
  return `<details class="table"${rows <= openRows ? ' open' : ''}><summary>${esc(summary)} (${rows} row${rows === 1 ? '' : 's'})</summary>\n${table}\n</details>`;
}

/** JSON to put inside <script type="application/json">: no "<" (so no "</script>"), no line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Script text safe inside <script>: "</script" and "<!--" cannot end or confuse the element.
 * In a bundle they can only stand in strings, template literals, regular expressions or
 * comments, where "<\/" reads as "</" and "\x21" as "!".
 */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\x21--');
}
