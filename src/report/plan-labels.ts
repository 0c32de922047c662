/**
 * Words and numbers for a plan's configurations, as the HTML report shows them: short labels,
 * figures with their units, the requirements and what a configuration misses.
 */
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import type { ScenarioName } from '../qos/plan.js';

/** A time in ms with as many decimals as its size needs; null is an unbounded (unstable) queue. */
export const msText = (x: number | null): string => (x === null ? 'unbounded' : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : 3));

export const percentText = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);

export const mjText = (x: number | null): string => (x === null ? '-' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** Bytes in binary units (a fraction of a byte is kept for expected bytes under exits). */
export function bytesText(x: number | null): string {
  if (x === null) return '-';
  const abs = Math.abs(x);
  if (abs >= 1024 ** 3) return `${(x / 1024 ** 3).toFixed(2)} GiB`;
  if (abs >= 1024 ** 2) return `${(x / 1024 ** 2).toFixed(2)} MiB`;
  if (abs >= 1024) return `${(x / 1024).toFixed(1)} KiB`;
  return `${Number.isInteger(x) ? x : x.toFixed(1)} B`;
}

/** The cut of a configuration: its tensors joined by '+', or (local) / (remote). */
export function cutLabel(e: Pick<PlanEntry, 'placement' | 'cut'>): string {
  return e.placement === 'split' ? e.cut.join('+') : `(${e.placement})`;
}

/** The enabled exits as after@threshold, or '-'. */
export function exitsLabel(e: Pick<PlanEntry, 'exits'>): string {
  return e.exits.length ? e.exits.map((x) => `${x.after}@${x.threshold}`).join('+') : '-';
}

export const SCENARIO_TITLES: Readonly<Record<ScenarioName, string>> = {
  local: 'local computing',
  remote: 'remote computing',
  split: 'split computing',
  earlyExit: 'early exit',
};

/** Every configuration a plan holds (recommended, front, misses, scenarios), each once (by id). */
export function planEntries(doc: PlanDocument): PlanEntry[] {
  const all = [doc.recommended, ...doc.front, ...doc.misses, ...Object.values(doc.scenarios).filter((e): e is PlanEntry => e !== null)];
  return all.filter((e, i) => all.findIndex((f) => f.id === e.id) === i);
}

/**
 * A short name for each entry of a plan: the choices that differ between the plan's entries
 * (one device and one network are not repeated on every label). Labels are unique: an entry
 * whose choices repeat another's gets its id.
 */
export function entryLabeller(doc: PlanDocument): (e: PlanEntry) => string {
  const all = planEntries(doc);
  const fields: ((e: PlanEntry) => string)[] = [cutLabel, (e) => e.codec, exitsLabel, (e) => e.sparsity, (e) => e.device, (e) => e.network];
  const varying = fields.filter((f, k) => k === 0 || new Set(all.map(f)).size > 1);
  // Local has no codec, exits or network ('none', '-'): its cut says it all.
  return (e) => varying.map((f) => f(e)).filter((t) => t !== '-' && t !== 'none').join(' · ');
}

/** The requirements in words, one per item. */
export function requirementTexts(r: PlanDocument['requirements']): string[] {
  const out: string[] = [];
  if (r.maxLatencyMs !== undefined) out.push(`${r.latencyPercentile} latency ≤ ${r.maxLatencyMs} ms`);
  if (r.minAccuracy !== undefined) out.push(`accuracy ≥ ${percentText(r.minAccuracy)}`);
  if (r.maxEdgeMemoryBytes !== undefined) out.push(`edge memory ≤ ${bytesText(r.maxEdgeMemoryBytes)}`);
  if (r.maxEnergyMj !== undefined) out.push(`energy ≤ ${r.maxEnergyMj} mJ`);
  if (r.maxBytes !== undefined) out.push(`bytes sent ≤ ${bytesText(r.maxBytes)}`);
  return out;
}

const OBJECTIVE_WORDS: Readonly<Record<string, string>> = {
  latencyMs: 'p50 latency', p99Ms: 'p99 latency', accuracy: 'accuracy', edgeMemoryBytes: 'edge memory', energyMj: 'energy', bytes: 'bytes sent',
};

/** The front's objectives in words. */
export function objectiveWords(names: readonly string[]): string {
  return names.map((n) => OBJECTIVE_WORDS[n] ?? n).join(', ');
}

/** One requirement missed, in words: "max-latency by 12.3 ms (31% of the budget)". */
export function missText(m: PlanEntry['missed'][number]): string {
  const over = m.slack === null ? 'unbounded' : `${(-m.slack * 100).toFixed(0)}% of the budget`;
  const by = m.by === null ? 'an unbounded amount'
    : m.requirement === 'min-accuracy' ? `${(m.by * 100).toFixed(2)} points`
      : m.requirement === 'max-latency' ? `${msText(m.by)} ms`
        : m.requirement === 'max-energy' ? `${mjText(m.by)} mJ` : bytesText(m.by);
  return `${m.requirement} by ${by} (${over})`;
}

/** How the plan's accuracy figures were obtained, in one sentence. */
export function accuracyText(doc: PlanDocument): string {
  const a = doc.accuracy;
  return a.source === 'measured'
    ? `measured on ${a.data ?? 'held-out data'}${a.images ? ` (${a.images} images)` : ''} through head → codec → tail; uncut model ${percentText(a.base)}`
    : `predicted from ${a.saliency ? `the I-SPLIT ranking ${a.saliency}` : 'the codecs alone'}, relative to an uncut accuracy of ${percentText(a.base)}: an order, not a measurement`;
}

/** Every field of a configuration, one "name: value" line each (the Pareto plot's hover). */
export function entryLines(e: PlanEntry): string[] {
  const o = e.objectives;
  const b = e.breakdown;
  return [
    e.id,
    `placement: ${e.placement}; cut: ${e.cut.join(', ') || '-'}`,
    `codec: ${e.codec}; exits: ${e.exits.length ? e.exits.map((x) => `${x.name} after ${x.after} at ${x.threshold}`).join(', ') : 'none'}; sparsity: ${e.sparsity}`,
    `device: ${e.device}; network: ${e.network}`,
    `latency p50 ${msText(o.latencyMs)} ms, p99 ${msText(o.p99Ms)} ms (${e.latencySource}${e.simulatedFrames ? `, ${e.simulatedFrames} frames` : ''})`,
    `accuracy ${percentText(o.accuracy)} (${o.accuracySource})`,
    `edge memory ${bytesText(o.edgeMemoryBytes)}; energy ${mjText(o.energyMj)} mJ; ${bytesText(o.bytes)} sent per inference`,
    `head ${msText(b.headMs)} + exits ${msText(b.exitMs)} + encode ${msText(b.encodeMs)} + uplink queue ${msText(b.uplinkQueueMs)} + transfer ${msText(b.transferMs)} + server queue ${msText(b.serverQueueMs)} + tail ${msText(b.tailMs)} ms (analytic, per upload; uploads ${percentText(b.uploadFraction)})`,
    `margin ${e.margin === null ? '∞ (no requirements)' : e.margin.toFixed(3)}: ${e.feasible ? 'meets every requirement' : `misses ${e.missed.map(missText).join(', ')}`}`,
  ];
}
