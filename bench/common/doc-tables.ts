/**
 * Tables in the docs generated from the benches' JSON: each sits in a Markdown page between
 * `<!-- table:NAME -->` and `<!-- /table -->`, and a bench's tables script rewrites what is
 * between them, so every figure there is one a bench wrote. `--check` only compares.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type Cell = string | number;

/** A Markdown table; `right[i]` right-aligns column i. */
export function markdown(header: readonly string[], rows: readonly (readonly Cell[])[], right: readonly boolean[]): string {
  const line = (cells: readonly Cell[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (right[i] ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

/** What rewriting a page's tables found. */
export interface Rewrite {
  /** the page as the JSON gives it */
  readonly text: string;
  /** markers with no generated table (their JSON is missing): left as they were */
  readonly missing: readonly string[];
  /** generated tables with no marker in the page */
  readonly unplaced: readonly string[];
  readonly changed: boolean;
}

/** The page with every marked table replaced by `tables[NAME]`. */
export function rewriteTables(page: string, tables: Readonly<Record<string, string>>): Rewrite {
  const missing: string[] = [];
  const placed = new Set<string>();
  // Each marker pair, whatever (possibly nothing) is between them.
  const text = page.replace(/(<!-- table:([\w-]+) -->)[\s\S]*?(<!-- \/table -->)/g, (all, open: string, name: string, close: string) => {
    const t = tables[name];
    if (t === undefined) {
      missing.push(name);
      return all;
    }
    placed.add(name);
    return `${open}\n${t}\n${close}`;
  });
  return { text, missing, unplaced: Object.keys(tables).filter((n) => !placed.has(n)), changed: text !== page };
}

/**
 * Rewrites `path`'s tables, or with `check` exits 1 when the page differs from what the JSON
 * gives (nothing written). `script` names the command that regenerates it.
 */
export function updatePage(path: string, tables: Readonly<Record<string, string>>, check: boolean, script: string): void {
  const r = rewriteTables(readFileSync(path, 'utf8'), tables);
  if (r.missing.length) console.log(`no JSON for: ${r.missing.join(', ')} (left as they were)`);
  if (r.unplaced.length) console.log(`no marker in ${path} for: ${r.unplaced.join(', ')}`);
  if (check) {
    if (r.changed) {
      console.error(`${path} differs from the tables the JSON gives: run node build/${script}`);
      process.exit(1);
    }
    console.log(`${path} matches the JSON`);
  } else {
    writeFileSync(path, r.text);
    console.log(`wrote ${path} (${Object.keys(tables).length} tables)`);
  }
}
