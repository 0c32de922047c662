import { BadRequestError } from '../errors.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { rankPerClass } from '../interpret/isplit-per-class.js';
import { type IsplitRanking, rankCuts, type SaliencyScan, scanSaliency } from '../interpret/isplit.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import { isplitPlotSvg } from '../report/isplit-plot.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { normalisationOptions, threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { printJson } from './io.js';
import { atLeast, each, integer, list, positive, text } from './option-types.js';
import { progressBar } from './progress.js';

const sci = (v: number) => (Number.isFinite(v) && v > 0 ? v.toExponential(3) : String(v));

/** The ranking as a fixed-width table. */
export function rankTable(r: IsplitRanking, title: string): string {
  // Bounds: every row has one cell per header column.
  const rows = r.cuts.map((c, i) => [
    String(i + 1), c.tensor, `[${c.shape.slice(1).join('x')}]`, String(c.bytes), String(c.bytesRank), sci(c.score),
    Number.isFinite(c.logScore) ? c.logScore.toFixed(3) : '-inf', String(c.rank),
    `${c.candidate ? 'local max' : ''}${c.tensor === r.recommended ? ' <- recommended' : ''}${c.tensor === r.smallest ? ' (fewest bytes)' : ''}`.trim(),
  ]);
  const head = ['#', 'cut', 'shape', 'bytes', 'bytes rank', 'S(l)', 'log S', 'S rank', ''];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === 1 || k === 2 || k === 8 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd(); // widths has one entry per column
  return [
    `${title} (${r.images} images)`,
    line(head),
    ...rows.map(line),
    `candidates (local maxima of log S): ${r.candidates.join(', ') || '-'}; recommended: ${r.recommended}; bytes-only baseline: ${r.smallest}`,
    '',
  ].join('\n');
}

function subsetName(scan: SaliencyScan, classes: readonly number[]): string {
  return classes.length === scan.classes ? 'all classes' : `classes ${classes.map((c) => `${c} (${scan.classNames[c] ?? c})`).join(', ')}`;
}

export const rankCommand = defineCommand({
  name: 'rank',
  summary: 'I-SPLIT: rank the cut points by Grad-CAM saliency, per class subset',
  usage: 'MODEL.onnx --data mnist|fashion-mnist|DIR [options]',
  description: `Ranks the cut points of a classifier by I-SPLIT saliency (before any retraining): for every
single-tensor cut l, Grad-CAM maps H = ReLU((1/K) sum_k alpha_k A_k) (alpha_k = spatial mean
of dy_c/dA_k, c the predicted class) are averaged over the images of a class subset into M,
and S(l) = |sum_ij M_ij| / (H W). Candidate cuts are the local maxima of log S along the
network, the recommendation its global maximum. Beside it, the size-only baseline: bytes at
the cut (rank 1 = fewest bytes). Dense cuts ([N, F]) count as F channels at 1 x 1.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    data: option(text, { required: true, arg: 'SRC', help: "mnist | fashion-mnist (test split) | DIR of class subfolders (PNG/JPEG; DIR/test is used when present), converted to the model's input" }),
    classes: option(list(integer), { check: each(atLeast(0)), arg: '0,3,7', help: 'average over images of these classes only (default: all)' }),
    'per-class': flag('a table per class, and whether the best cut differs between classes'),
    'true-class': flag('explain the true class instead of the predicted one'),
    'spatial-only': flag("rank only cuts with a spatial map (H x W > 1), as the paper's candidates (conv/pool outputs); dense cuts are left out"),
    ...normalisationOptions,
    images: option(integer, { default: 512, check: positive, help: 'images to scan (with --classes, of those classes)' }),
    batch: option(integer, { default: 32, check: positive, help: 'Grad-CAM batch' }),
    plot: option(text, { arg: 'FILE.svg', help: 'write a plot of log S(l) and bytes along the network' }),
    threads: threadsOption,
  },
  json: 'print the ranking(s) as JSON',
  examples: ['cleave rank models/small-vgg-fashion.onnx --data fashion-mnist --classes 0,2,4,6 --plot rank.svg'],
  async run({ values: v, positionals: [file] }, io) {
    const model = readClassifier(file);
    const { data } = loadImages(v.data, 'test', model);
    if (v.classes?.some((c) => c >= data.classes)) throw new BadRequestError(`--classes must be class indexes 0..${data.classes - 1} separated by commas, got "${v.classes.join(',')}"`);
    const classes = v.classes && [...new Set(v.classes)].sort((a, b) => a - b);
    const bar = progressBar('Grad-CAM [{bar}] {value}/{total} images', v.json);
    const scan = await scanSaliency(model, data, {
      classes, images: v.images, batch: v.batch, target: v['true-class'] ? 'true' : 'predicted',
      normalisation: { mean: v.mean, std: v.std }, threads: v.threads, onProgress: (done, total) => bar.update(done, total),
    });
    const rankOptions = { spatialOnly: v['spatial-only'] };
    const main = rankCuts(scan, classes, rankOptions);
    const { perClass, bestCuts, differs } = v['per-class'] ? rankPerClass(scan, rankOptions) : { perClass: [], bestCuts: new Map<string, readonly number[]>(), differs: false };

    if (v.plot) {
      const svg = isplitPlotSvg(main.cuts.map((c) => ({ label: c.tensor, logScore: c.logScore, bytes: c.bytes, candidate: c.candidate, recommended: c.tensor === main.recommended })), {
        title: `I-SPLIT: ${file} on ${v.data}, ${subsetName(scan, main.classes)}`,
      });
      writeFileAtomic(v.plot, new TextEncoder().encode(svg));
    }
    if (v.json) {
      printJson(io, {
        model: file, data: v.data, target: scan.target, seconds: scan.seconds,
        ranking: main,
        perClass: v['per-class'] ? perClass : undefined,
        bestCutDiffersBetweenClasses: v['per-class'] ? differs : undefined,
      }, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
      return EXIT.OK;
    }
    io.stdout(`I-SPLIT on ${file}: ${v.data}, Grad-CAM of the ${scan.target} class, ${scan.seconds.toFixed(1)} s\n\n`);
    io.stdout(rankTable(main, subsetName(scan, main.classes)));
    for (const p of perClass) io.stdout(`\n${rankTable(p.ranking, `class ${p.class} (${p.name})`)}`);
    if (v['per-class']) {
      io.stdout(`\nbest cut per class: ${perClass.map((p) => `${p.class}: ${p.ranking.recommended}`).join(', ')}\n`);
      io.stdout(differs
        ? `the best cut differs between classes: ${[...bestCuts].map(([t, cs]) => `${t} for ${cs.join(',')}`).join('; ')}\n`
        : `every class has the same best cut (${main.recommended})\n`);
    }
    if (v.plot) io.stdout(`wrote ${v.plot}\n`);
    return EXIT.OK;
  },
});
