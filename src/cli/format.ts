/** Human-readable numbers for tables: 1.23 G, 4.5 MB. */
export function si(n: number, unit = ''): string {
  const abs = Math.abs(n);
  const [d, s] = abs >= 1e12 ? [1e12, 'T'] : abs >= 1e9 ? [1e9, 'G'] : abs >= 1e6 ? [1e6, 'M'] : abs >= 1e3 ? [1e3, 'k'] : [1, ''];
  const v = n / d;
  const text = d === 1 ? String(Math.round(v * 100) / 100) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2);
  return `${text}${s ? ` ${s}` : unit ? ' ' : ''}${unit}`.trim();
}

export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MiB`;
  if (abs >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A plain-text table with a header row; numbers right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[-\d.,%]+( ?[kMGTiB]+)?( ?[A-Za-z/]+)?$/.test(String(r[c] ?? '')) || r[c] === ''));
  const line = (r: readonly string[]) =>
    r.map((v, c) => (numeric[c] ? v.padStart(width[c]!) : v.padEnd(width[c]!))).join('  ').trimEnd(); // width and numeric have one entry per column
  return [line(header), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

/** RFC 4180 CSV. */
export function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const esc = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(esc).join(',')).join('\n') + '\n';
}
