import { expectedCalibrationError, type ReliabilityBin } from '../exits/reliability.js';
import { esc, fmt, ticks } from './svg.js';

/** One classifier's bins (before or after calibration, say). */
export interface ReliabilitySeries {
  readonly label: string;
  readonly bins: readonly ReliabilityBin[];
}

export interface ReliabilityDiagramOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
}

const COLOURS = ['#c0392b', '#1f5fbf', '#27ae60', '#8e44ad'];

/**
 * A reliability diagram: per confidence bin, a bar of the accuracy of its samples, one bar per
 * series side by side; the diagonal is perfect calibration; below, how many samples each bin
 * holds. The legend gives each series' ECE. All series must share the same bins.
 */
export function reliabilityDiagramSvg(series: readonly ReliabilitySeries[], options: ReliabilityDiagramOptions = {}): string {
  const W = options.width ?? 560;
  const H = options.height ?? 520;
  const m = { left: 56, right: 24, top: 40, bottom: 150 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const histogram = { top: H - m.bottom + 36, height: 56 };
  const x = (v: number) => m.left + v * pw;
  const y = (v: number) => m.top + ph - v * ph;
  const bins = series[0]?.bins ?? [];
  const most = Math.max(1, ...series.flatMap((s) => s.bins.map((b) => b.count)));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  out.push('<g stroke="#ddd">');
  for (const t of ticks(0, 1)) out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/>`);
  out.push('</g>');
  const width = series.length ? pw / Math.max(1, bins.length) / series.length : 0;
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length]!; // modulo the list's length
    out.push(`<g fill="${colour}" fill-opacity="0.7" stroke="${colour}">`);
    s.bins.forEach((b, i) => {
      if (b.count === 0) return;
      const left = x(b.lower) + (k * (x(b.upper) - x(b.lower))) / series.length;
      out.push(`<rect class="accuracy" x="${left.toFixed(1)}" y="${y(b.accuracy).toFixed(1)}" width="${width.toFixed(1)}" height="${(y(0) - y(b.accuracy)).toFixed(1)}"><title>${esc(s.label)}, bin ${i + 1}: ${b.count} samples, accuracy ${b.accuracy.toFixed(3)}, confidence ${b.confidence.toFixed(3)}</title></rect>`);
      const hh = (b.count / most) * histogram.height;
      out.push(`<rect class="count" x="${left.toFixed(1)}" y="${(histogram.top + histogram.height - hh).toFixed(1)}" width="${width.toFixed(1)}" height="${hh.toFixed(1)}"/>`);
    });
    out.push('</g>');
  });
  out.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="black" stroke-dasharray="5,4"/>`);
  out.push(`<g stroke="black"><line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/><line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/></g>`);
  for (const t of ticks(0, 1)) {
    out.push(`<text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 32}" text-anchor="middle">confidence (max softmax)</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  out.push(`<text x="${m.left - 6}" y="${histogram.top + histogram.height}" text-anchor="end">samples</text>`);
  series.forEach((s, k) => {
    const yy = H - 16 - 16 * (series.length - 1 - k);
    out.push(`<rect x="${m.left}" y="${yy - 9}" width="12" height="10" fill="${COLOURS[k % COLOURS.length]}" fill-opacity="0.7"/><text x="${m.left + 18}" y="${yy}">${esc(s.label)}: ECE ${expectedCalibrationError(s.bins).toFixed(4)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
