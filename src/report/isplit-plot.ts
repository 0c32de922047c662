import { esc, fmt, ticks } from './svg.js';

/** One point of the plot: a cut along the network. */
export interface PlotCut {
  readonly label: string;
  readonly logScore: number;
  readonly bytes: number;
  readonly candidate: boolean;
  readonly recommended: boolean;
}

export interface PlotOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

/** Powers of ten in decimal units (the axis is log10 of bytes). */
function bytesLabel(b: number): string {
  if (b >= 1e9) return `${b / 1e9} GB`;
  if (b >= 1e6) return `${b / 1e6} MB`;
  if (b >= 1e3) return `${b / 1e3} kB`;
  return `${b} B`;
}

/**
 * An SVG line plot of log S(l) (left axis, solid) and bytes at the cut (right axis, log
 * scale, dashed) along the network; local maxima of log S are circled, the recommended cut
 * (global maximum) is filled and labelled. Self-contained: no fonts or scripts to fetch.
 */
export function isplitPlotSvg(cuts: readonly PlotCut[], options: PlotOptions = {}): string {
  const W = options.width ?? 760;
  const H = options.height ?? 420;
  const m = { left: 64, right: 72, top: 40, bottom: 120 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const n = cuts.length;
  const x = (i: number) => m.left + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  const finite = cuts.map((c) => c.logScore).filter(Number.isFinite);
  let [s0, s1] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
  if (s1 - s0 < 1e-9) [s0, s1] = [s0 - 1, s1 + 1];
  const pad = 0.05 * (s1 - s0);
  [s0, s1] = [s0 - pad, s1 + pad];
  const ys = (v: number) => m.top + ph - ((v - s0) / (s1 - s0)) * ph;
  const lb = cuts.map((c) => Math.log10(Math.max(1, c.bytes)));
  let [b0, b1] = [Math.floor(Math.min(...lb)), Math.ceil(Math.max(...lb))];
  if (b1 === b0) b1 = b0 + 1;
  const yb = (b: number) => m.top + ph - ((Math.log10(Math.max(1, b)) - b0) / (b1 - b0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  // Axes and grid.
  out.push(`<g stroke="#ccc">`);
  for (const t of ticks(s0, s1)) out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${ys(t).toFixed(1)}" y2="${ys(t).toFixed(1)}"/>`);
  out.push('</g>');
  out.push(`<g stroke="black"><line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/><line x1="${m.left + pw}" y1="${m.top}" x2="${m.left + pw}" y2="${m.top + ph}"/><line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/></g>`);
  for (const t of ticks(s0, s1)) out.push(`<text x="${m.left - 6}" y="${(ys(t) + 4).toFixed(1)}" text-anchor="end" fill="#1f5fbf">${fmt(t)}</text>`);
  for (let e = b0; e <= b1; e++) out.push(`<text x="${m.left + pw + 6}" y="${(yb(10 ** e) + 4).toFixed(1)}" fill="#c0392b">${bytesLabel(10 ** e)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#1f5fbf">log S(l)</text>`);
  out.push(`<text transform="translate(${W - 12} ${m.top + ph / 2}) rotate(90)" text-anchor="middle" fill="#c0392b">bytes at the cut (log)</text>`);
  cuts.forEach((c, i) => out.push(`<text transform="translate(${x(i).toFixed(1)} ${m.top + ph + 10}) rotate(45)" fill="#333">${esc(c.label)}</text>`));
  // Series: a break where log S is -inf (an all-zero map).
  const path = (pts: (readonly [number, number] | null)[]) => {
    let d = '';
    let pen = false;
    for (const p of pts) {
      if (!p) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  out.push(`<path d="${path(cuts.map((c, i) => [x(i), yb(c.bytes)] as const))}" fill="none" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5,4"/>`);
  out.push(`<path d="${path(cuts.map((c, i) => (Number.isFinite(c.logScore) ? [x(i), ys(c.logScore)] as const : null)))}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`);
  cuts.forEach((c, i) => {
    if (!Number.isFinite(c.logScore)) return;
    const [cx, cy] = [x(i).toFixed(1), ys(c.logScore).toFixed(1)];
    if (c.candidate || c.recommended) out.push(`<circle cx="${cx}" cy="${cy}" r="6" fill="${c.recommended ? '#1f5fbf' : 'white'}" stroke="#1f5fbf" stroke-width="2"/>`);
    else out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="#1f5fbf"/>`);
    if (c.recommended) out.push(`<text x="${cx}" y="${(Number(cy) - 10).toFixed(1)}" text-anchor="middle" fill="#1f5fbf">recommended</text>`);
  });
  // Legend.
  // Legend: one row under the axis labels, clear of the data.
  out.push(`<g transform="translate(${m.left} ${H - 16})">`
    + `<line x1="0" y1="-4" x2="24" y2="-4" stroke="#1f5fbf" stroke-width="2"/><text x="30" y="0">log S(l) (I-SPLIT)</text>`
    + `<line x1="150" y1="-4" x2="174" y2="-4" stroke="#c0392b" stroke-width="1.5" stroke-dasharray="5,4"/><text x="180" y="0">bytes at the cut</text>`
    + `<circle cx="300" cy="-4" r="5" fill="white" stroke="#1f5fbf" stroke-width="2"/><text x="312" y="0">local maximum (candidate)</text>`
    + `<circle cx="480" cy="-4" r="5" fill="#1f5fbf" stroke="#1f5fbf" stroke-width="2"/><text x="492" y="0">global maximum</text></g>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
