// The tables of bench/exits from its JSON: printed by run.ts as text, and as the Markdown of
// docs/early-exits.md by `node build/bench/exits/tables.js` (reads bench/results/exits.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface Figures { ms: number; accuracy: number; uploaded: number }
interface Row { strategy: string; cut: string; exits: string[]; expected: Figures; measured: Figures }
interface Cell { variant: string; uplinkMbps: number; gamma: number; condition: string; planOn: string; rows: Row[] }
interface ExitRow { output: string; at: string; accuracy: number; temperature: number; eceBefore: number; eceAfter: number; nllBefore: number; nllAfter: number; edgeMs: number }
export interface ExitsBench {
  date: string;
  command: string;
  machine: { cpus: number; model?: string; loadavgStart: number; loadavgEnd: number };
  seconds: number;
  settings: { exits: number; trainImages: number; epochs: number; planImages: number; evaluationImages: number; uplinks: number[]; gammas: number[]; pTar: number; taus: number[]; accuracySlack: number; profileRepeats: number };
  training: { exits: { output: string; at: string; headFraction: number }[] };
  exits: ExitRow[];
  mainAccuracy: number;
  pooledEce: { before: number; after: number };
  profile: { layers: { name: string; edgeMs: number; outputBytes: number }[]; inputBytes: number; nodeSumMs: number; endToEndUnoptimizedMs: number; endToEndOptimizedMs: number };
  conditions: { condition: string; accuracy: { exits: number[]; main: number }; meanConfidence: number[]; meanConfidenceCalibrated: number[] }[];
  grid: Cell[];
}

type Style = 'text' | 'markdown';

/** The distortion tables' speed ratio: at 100 and 1000 every strategy sends the input to the cloud (see the clean tables). */
const DISTORTED_GAMMA = 10;

function render(style: Style, head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (style === 'markdown') {
    const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
  }
  const width = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, k) => c.padEnd(width[k]!)).join('  ').trimEnd();
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

function exitsTable(r: ExitsBench, style: Style): string {
  const fraction = new Map(r.training.exits.map((e) => [e.output, e.headFraction]));
  return render(style, ['exit', 'reads', 'backbone FLOPs before it', 'branch ms (edge)', 'accuracy alone', 'T', 'ECE before', 'ECE after', 'NLL before', 'NLL after'], [
    ...r.exits.map((e) => [e.output, e.at, pct(fraction.get(e.output) ?? NaN), ms(e.edgeMs), pct(e.accuracy), e.temperature.toFixed(3), e.eceBefore.toFixed(4), e.eceAfter.toFixed(4), e.nllBefore.toFixed(3), e.nllAfter.toFixed(3)]),
    ['main output', '', '100%', '', pct(r.mainAccuracy), '', '', '', '', ''],
    ['all exits pooled', '', '', '', '', '', r.pooledEce.before.toFixed(4), r.pooledEce.after.toFixed(4), '', ''],
  ]);
}

function gridTable(r: ExitsBench, variant: string, gamma: number, style: Style): string {
  const cells = r.grid.filter((c) => c.variant === variant && c.gamma === gamma && c.condition === 'clean');
  const strategies = cells[0]?.rows.map((x) => x.strategy) ?? [];
  const head = ['strategy', ...cells.flatMap((c) => [`${c.uplinkMbps} Mbit/s: cut (exits)`, 'ms exp / meas', 'acc exp / meas'])];
  const rows = strategies.map((s) => [s, ...cells.flatMap((c) => {
    const x = c.rows.find((y) => y.strategy === s);
    if (!x) return ['none meets the floor', '-', '-'];
    return [`${x.cut}${x.exits.length ? ` (${x.exits.join(' ')})` : ''}`, `${ms(x.expected.ms)} / ${ms(x.measured.ms)}`, `${pct(x.expected.accuracy)} / ${pct(x.measured.accuracy)}`];
  })]);
  return render(style, head, rows);
}

function distortedTable(r: ExitsBench, rate: number, gamma: number, style: Style): string {
  const cells = r.grid.filter((c) => c.variant === 'cloud-measured' && c.gamma === gamma && c.uplinkMbps === rate);
  const pick = (c: Cell, s: string) => c.rows.find((x) => x.strategy === s);
  const conf = new Map(r.conditions.map((c) => [c.condition, c]));
  const rows = cells.map((c) => {
    const plan = pick(c, 'cleave plan, calibrated');
    const popex = pick(c, `POPEX p_tar ${r.settings.pTar}, calibrated`);
    const best = pick(c, 'best cut, no exits');
    const k = conf.get(c.condition);
    return [
      c.condition, c.planOn,
      k ? k.meanConfidenceCalibrated.map((v) => v.toFixed(2)).join(' ') : '',
      best ? `${best.cut}: ${ms(best.measured.ms)} ms, ${pct(best.measured.accuracy)}` : '-',
      popex ? `${popex.cut}: ${ms(popex.measured.ms)} ms, ${pct(popex.measured.accuracy)}` : '-',
      plan ? `${plan.cut} (${plan.exits.join(' ') || 'no exits'})` : 'none meets the floor',
      plan ? `${ms(plan.expected.ms)} / ${ms(plan.measured.ms)}` : '-',
      plan ? `${pct(plan.expected.accuracy)} / ${pct(plan.measured.accuracy)}` : '-',
    ];
  });
  return render(style, ['images', 'planned on', 'mean confidence per exit (calibrated)', 'best cut, no exits (measured)', `POPEX p_tar ${r.settings.pTar}, calibrated (measured)`, 'cleave plan, calibrated: cut (exits)', 'ms exp / meas', 'acc exp / meas'], rows);
}

/** The edge-measured variant in one table: per (gamma, rate), each strategy's cut and measured time. */
function edgeMeasuredSummary(r: ExitsBench, style: Style): string {
  const cells = r.grid.filter((c) => c.variant === 'edge-measured' && c.condition === 'clean');
  const strategies = cells[0]?.rows.map((x) => x.strategy) ?? [];
  return render(style, ['gamma', 'Mbit/s', ...strategies], cells.map((c) => [String(c.gamma), String(c.uplinkMbps), ...strategies.map((s) => {
    const x = c.rows.find((y) => y.strategy === s);
    return x ? `${x.cut} ${ms(x.measured.ms)}` : '-';
  })]));
}

/** Every table of the bench, as text or Markdown. */
export function printTables(r: ExitsBench, style: Style): string {
  const h = (t: string) => (style === 'markdown' ? `\n**${t}**\n\n` : `\n${t}\n`);
  const p = r.profile;
  const out = [
    h(`Exits of the small VGG (Fashion-MNIST), trained ${r.settings.epochs} epochs on ${r.settings.trainImages} images (backbone frozen); calibrated on ${r.settings.planImages} test images, measured on ${r.settings.evaluationImages} others`),
    exitsTable(r, style),
    h('Edge times measured with ORT (1 thread, optimisations off; per-layer medians)'),
    `backbone: ${p.layers.length} layers, sum of node medians ${ms(p.layers.reduce((s, l) => s + l.edgeMs, 0))} ms (whole model with exits ${ms(p.nodeSumMs)} ms; one plain run ${ms(p.endToEndUnoptimizedMs)} ms unoptimised, ${ms(p.endToEndOptimizedMs)} ms optimised); input ${p.inputBytes} B\n`,
  ];
  for (const gamma of r.settings.gammas) {
    out.push(h(`Clean images, edge ${gamma}x slower than the times measured here (POPEX's t_edge = gamma t_cloud): cut (enabled exits@tau), expected (planning half) / measured (evaluation half)`), gridTable(r, 'cloud-measured', gamma, style));
  }
  for (const rate of r.settings.uplinks) {
    out.push(h(`Distorted images at ${rate} Mbit/s, edge ${DISTORTED_GAMMA}x slower: planned on clean images vs re-planned on the distorted planning half, measured on distorted evaluation images`), distortedTable(r, rate, DISTORTED_GAMMA, style));
  }
  out.push(h('The edge as measured here, the cloud gamma times faster: every cell'), edgeMeasuredSummary(r, style));
  out.push(`\n${r.command}: ${r.date}, ${r.seconds.toFixed(0)} s, load average ${r.machine.loadavgStart.toFixed(1)} -> ${r.machine.loadavgEnd.toFixed(1)} on ${r.machine.cpus} cores\n`);
  return out.join('');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');
  process.stdout.write(printTables(JSON.parse(readFileSync(join(root, 'bench/results/exits.json'), 'utf8')) as ExitsBench, 'markdown'));
}
