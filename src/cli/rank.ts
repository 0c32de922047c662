import cliProgress from 'cli-progress';
import { BadRequestError } from '../errors.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { type IsplitRanking, rankCuts, type SaliencyScan, scanSaliency } from '../interpret/isplit.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import { isplitPlotSvg } from '../report/isplit-plot.js';
import { normalisationOf, parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, printHelp } from './io.js';

export const RANK_HELP = `Usage: cleave rank MODEL.onnx --data mnist|fashion-mnist|DIR [options]

Ranks the cut points of a classifier by I-SPLIT saliency (before any retraining): for every
single-tensor cut l, Grad-CAM maps H = ReLU((1/K) sum_k alpha_k A_k) (alpha_k = spatial mean
of dy_c/dA_k, c the predicted class) are averaged over the images of a class subset into M,
and S(l) = |sum_ij M_ij| / (H W). Candidate cuts are the local maxima of log S along the
network, the recommendation its global maximum. Beside it, the size-only baseline: bytes at
the cut (rank 1 = fewest bytes). Dense cuts ([N, F]) count as F channels at 1 x 1.

Options:
  --data SRC          mnist | fashion-mnist (test split) | DIR of class subfolders (PNG/JPEG;
                      DIR/test is used when present), converted to the model's input
  --classes 0,3,7     average over images of these classes only (default: all)
  --per-class         a table per class, and whether the best cut differs between classes
  --true-class        explain the true class instead of the predicted one
  --spatial-only      rank only cuts with a spatial map (H x W > 1), as the paper's
                      candidates (conv/pool outputs); dense cuts are left out
  --mean M1[,M2,M3]   per-channel mean subtracted after pixels are scaled to [0, 1], for
                      models trained on normalised images (e.g. 0.485,0.456,0.406)
  --std S1[,S2,S3]    per-channel std divided by (e.g. 0.229,0.224,0.225)
  --images N          images to scan (default 512; with --classes, of those classes)
  --batch N           Grad-CAM batch (default 32)
  --plot FILE.svg     write a plot of log S(l) and bytes along the network
  --threads N         ONNX Runtime threads
  --json              print the ranking(s) as JSON
  -h, --help          show this help

Example:
  cleave rank models/small-vgg-fashion.onnx --data fashion-mnist --classes 0,2,4,6 --plot rank.svg
`;

function classList(v: string | undefined, classes: number): number[] | undefined {
  if (v === undefined) return undefined;
  const out = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (out.length === 0 || out.some((c) => !Number.isInteger(c) || c < 0 || c >= classes)) {
    throw new BadRequestError(`--classes takes class indexes 0..${classes - 1} separated by commas, got "${v}"`);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

const sci = (v: number) => (Number.isFinite(v) && v > 0 ? v.toExponential(3) : String(v));

/** The ranking as a fixed-width table. */
export function rankTable(r: IsplitRanking, title: string): string {
  const rows = r.cuts.map((c, i) => [
    String(i + 1), c.tensor, `[${c.shape.slice(1).join('x')}]`, String(c.bytes), String(c.bytesRank), sci(c.score),
    Number.isFinite(c.logScore) ? c.logScore.toFixed(3) : '-inf', String(c.rank),
    `${c.candidate ? 'local max' : ''}${c.tensor === r.recommended ? ' <- recommended' : ''}${c.tensor === r.smallest ? ' (fewest bytes)' : ''}`.trim(),
  ]);
  const head = ['#', 'cut', 'shape', 'bytes', 'bytes rank', 'S(l)', 'log S', 'S rank', ''];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => (row[k] as string).length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === 1 || k === 2 || k === 8 ? c.padEnd(widths[k] as number) : c.padStart(widths[k] as number))).join('  ').trimEnd();
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

export async function runRank(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    data: { type: 'string' },
    classes: { type: 'string' },
    'per-class': { type: 'boolean' },
    'true-class': { type: 'boolean' },
    'spatial-only': { type: 'boolean' },
    images: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    batch: { type: 'string' },
    plot: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'rank');
  if (values.help) return printHelp(io, RANK_HELP);
  if (positionals.length !== 1) throw new BadRequestError('rank takes one MODEL file; see `cleave rank --help`');
  if (!values.data) throw new BadRequestError('rank needs --data mnist, fashion-mnist or a folder of class subfolders');
  const model = readClassifier(positionals[0] as string);
  const { data } = loadImages(values.data, 'test', model);
  const classes = classList(values.classes, data.classes);
  const images = positiveInt(values.images, 'images', 512);
  const bar = !values.json && process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'Grad-CAM [{bar}] {value}/{total} images', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  const scan = await scanSaliency(model, data, {
    classes,
    images,
    batch: positiveInt(values.batch, 'batch', 32),
    target: values['true-class'] ? 'true' : 'predicted',
    normalisation: normalisationOf(values),
    threads: values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) { bar.start(total, 0); started = true; }
      bar.update(done);
      if (done === total) bar.stop();
    },
  });
  const scanned = Array.from({ length: scan.classes }, (_, c) => c).filter((c) => (scan.counts[c] as number) > 0);
  const rankOptions = { spatialOnly: values['spatial-only'] ?? false };
  const main = rankCuts(scan, classes ?? scanned, rankOptions);
  const perClass = values['per-class'] ? scanned.map((c) => ({ class: c, name: scan.classNames[c] ?? String(c), ranking: rankCuts(scan, [c], rankOptions) })) : [];
  const best = new Map<string, number[]>();
  for (const p of perClass) best.set(p.ranking.recommended, [...(best.get(p.ranking.recommended) ?? []), p.class]);
  const differs = best.size > 1;

  if (values.plot) {
    const svg = isplitPlotSvg(main.cuts.map((c) => ({ label: c.tensor, logScore: c.logScore, bytes: c.bytes, candidate: c.candidate, recommended: c.tensor === main.recommended })), {
      title: `I-SPLIT: ${positionals[0]} on ${values.data}, ${subsetName(scan, main.classes)}`,
    });
    writeFileAtomic(values.plot, new TextEncoder().encode(svg));
  }
  if (values.json) {
    io.stdout(`${JSON.stringify({
      model: positionals[0], data: values.data, target: scan.target, seconds: scan.seconds,
      ranking: main,
      perClass: values['per-class'] ? perClass : undefined,
      bestCutDiffersBetweenClasses: values['per-class'] ? differs : undefined,
    }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
    return EXIT.OK;
  }
  io.stdout(`I-SPLIT on ${positionals[0]}: ${values.data}, Grad-CAM of the ${scan.target} class, ${scan.seconds.toFixed(1)} s\n\n`);
  io.stdout(rankTable(main, subsetName(scan, main.classes)));
  for (const p of perClass) io.stdout(`\n${rankTable(p.ranking, `class ${p.class} (${p.name})`)}`);
  if (values['per-class']) {
    io.stdout(`\nbest cut per class: ${perClass.map((p) => `${p.class}: ${p.ranking.recommended}`).join(', ')}\n`);
    io.stdout(differs
      ? `the best cut differs between classes: ${[...best].map(([t, cs]) => `${t} for ${cs.join(',')}`).join('; ')}\n`
      : `every class has the same best cut (${main.recommended})\n`);
  }
  if (values.plot) io.stdout(`wrote ${values.plot}\n`);
  return EXIT.OK;
}
