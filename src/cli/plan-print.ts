/** What `cleave plan` prints without --json. */
import type { Miss } from '../qos/requirements.js';
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import type { PlanResult } from '../qos/plan.js';
import { bytes, table } from './format.js';

const ms = (x: number | null): string => (x === null ? 'unbounded' : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : 3));
const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
const mj = (x: number | null): string => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(2));
const size = (x: number | null): string => (x === null ? '-' : bytes(Math.round(x)));

function cutName(e: Pick<PlanEntry, 'placement' | 'cut'>): string {
  return e.placement === 'split' ? e.cut.join('+') : `(${e.placement})`;
}

function exitsName(e: Pick<PlanEntry, 'exits'>): string {
  return e.exits.length ? e.exits.map((x) => `${x.after}@${x.threshold}`).join('+') : '-';
}

/** One requirement missed, in words: "max-latency by 12.3 ms (31% over)". */
type MissFigures = { readonly requirement: Miss['requirement']; readonly limit: number | null; readonly value: number | null; readonly by: number | null; readonly slack: number | null };

function missText(m: MissFigures): string {
  const over = m.slack === null ? 'unbounded' : `${(-m.slack * 100).toFixed(0)}% of the budget`;
  const by = m.by === null ? 'an unbounded amount' : m.requirement === 'min-accuracy' ? `${(m.by * 100).toFixed(2)} points` : m.requirement === 'max-latency' ? `${ms(m.by)} ms` : m.requirement === 'max-energy' ? `${mj(m.by)} mJ` : size(m.by);
  return `${m.requirement} by ${by} (${over})`;
}

/** A configuration and the requirements it misses, on one line. */
export function missLine(c: { readonly id: string; readonly missed: readonly MissFigures[] }): string {
  return `${c.id}: misses ${c.missed.map(missText).join(', ')}`;
}

function row(e: PlanEntry, label: string): string[] {
  const o = e.objectives;
  return [
    label, cutName(e), e.codec, exitsName(e), e.sparsity, e.device, e.network,
    ms(o.latencyMs), ms(o.p99Ms), `${pct(o.accuracy)}${o.accuracySource === 'predicted' ? '*' : ''}`,
    size(o.edgeMemoryBytes), mj(o.energyMj), size(o.bytes), e.margin === null ? '-' : e.margin.toFixed(3), e.feasible ? 'yes' : 'no',
  ];
}

const HEADER = ['', 'cut', 'codec', 'exits', 'sparsity', 'device', 'network', 'p50 ms', 'p99 ms', 'accuracy', 'edge memory', 'energy mJ', 'bytes', 'margin', 'meets'];

function requirementsLine(r: PlanDocument['requirements']): string {
  const parts: string[] = [];
  if (r.maxLatencyMs !== undefined) parts.push(`${r.latencyPercentile} latency <= ${r.maxLatencyMs} ms`);
  if (r.minAccuracy !== undefined) parts.push(`accuracy >= ${r.minAccuracy}`);
  if (r.maxEdgeMemoryBytes !== undefined) parts.push(`edge memory <= ${bytes(r.maxEdgeMemoryBytes)}`);
  if (r.maxEnergyMj !== undefined) parts.push(`energy <= ${r.maxEnergyMj} mJ`);
  if (r.maxBytes !== undefined) parts.push(`bytes <= ${bytes(r.maxBytes)}`);
  return parts.length ? parts.join(', ') : 'none (the recommendation is the fastest front member)';
}

/** What became of the --exits file's per-image figures, and why. */
function exitsFileLines(x: PlanDocument['accuracy']['exits']): string[] {
  if (!x) return [];
  if (x.source === 'measured') return [`exits: ${x.file}'s samples are the measured images: exit configurations counted per image (measured)`];
  return [`exits: ${x.file}'s per-image figures not used, exit configurations' accuracy predicted (*): ${x.note ?? ''}`];
}

/** The report: sweep, recommendation, scenarios, front, misses. */
export function planReport(doc: PlanDocument, result: PlanResult, o: { readonly top: number; readonly model: string }): string {
  const s = doc.sweep;
  const simulated = doc.front.filter((e) => e.latencySource === 'simulated').length;
  const acc = doc.accuracy.source === 'measured'
    ? `measured on ${doc.accuracy.data} (${doc.accuracy.images} images${doc.accuracy.from ? ` from test image ${doc.accuracy.from}` : ''}) through head -> codec -> tail; uncut model ${pct(doc.accuracy.base)}`
    : `predicted (*) from ${doc.accuracy.saliency ? `the I-SPLIT ranking ${doc.accuracy.saliency}` : 'the codecs alone (no --rank)'}, relative to an uncut accuracy of ${pct(doc.accuracy.base)}; give --data to measure`;
  const r = doc.recommended;
  const lines = [
    `plan for ${o.model}: ${s.configurations} configurations (${s.cuts} cuts incl. local and remote, ${s.codecs.length} codecs, ${s.exitConfigurations} exit configuration(s), ${s.sparsity.length + 1} sparsity variant(s), ${Object.keys(doc.devices).length} devices, ${Object.keys(doc.networks).length} networks), analytic sweep ${(result.sweep.tablesMs + result.sweep.loopMs).toFixed(1)} ms, Pareto ${result.paretoMs.toFixed(1)} ms`,
    `front: ${doc.front.length} configurations over ${s.frontObjectives.join(', ')}; ${simulated} re-timed by the simulator (${doc.load.devices} device(s)${doc.load.fps > 0 ? ` x ${doc.load.fps} fps` : ', frames far apart'}) in ${result.simulateMs.toFixed(0)} ms`,
    `accuracy: ${acc}`,
    ...exitsFileLines(doc.accuracy.exits),
    `requirements: ${requirementsLine(doc.requirements)}`,
    '',
    `${doc.feasible ? 'recommended' : 'NO configuration meets the requirements; nearest (--best-effort)'}: ${r.id}`,
    `  latency p50 ${ms(r.objectives.latencyMs)} ms, p99 ${ms(r.objectives.p99Ms)} ms (${r.latencySource}), accuracy ${pct(r.objectives.accuracy)} (${r.objectives.accuracySource}), edge memory ${size(r.objectives.edgeMemoryBytes)}, energy ${mj(r.objectives.energyMj)} mJ, ${size(r.objectives.bytes)} sent per inference${r.margin === null ? '' : `, margin ${r.margin.toFixed(3)}`}`,
    `  head ${ms(r.breakdown.headMs)} + exits ${ms(r.breakdown.exitMs)} + encode ${ms(r.breakdown.encodeMs)} + uplink wait ${ms(r.breakdown.uplinkQueueMs)} + transfer ${ms(r.breakdown.transferMs)} + server wait ${ms(r.breakdown.serverQueueMs)} + tail ${ms(r.breakdown.tailMs)} ms (analytic; uploads ${pct(r.breakdown.uploadFraction)})`,
    '',
    'scenarios (the best of each kind):',
    table(HEADER, (['local', 'remote', 'split', 'earlyExit'] as const).map((k) => {
      const e = doc.scenarios[k];
      const name = k === 'earlyExit' ? 'early exit' : k;
      return e ? row(e, name) : [name, '(none)', ...HEADER.slice(2).map(() => '')];
    })),
    ...(doc.scenarios.earlyExit ? [] : ['(no early exit: the sweep has no exit configuration that fits a head; give --exits)\n']),
    `front (best margin first${doc.front.length > o.top ? `, ${o.top} of ${doc.front.length}` : ''}):`,
    table(HEADER, doc.front.slice(0, o.top).map((e, i) => row(e, String(i + 1)))),
  ];
  if (doc.misses.length) lines.push('nearest misses:', ...doc.misses.map((m) => `  ${missLine(m)}`), '');
  return `${lines.join('\n')}\n`;
}
