/**
 * `cleave report`'s page: one self-contained HTML file (styles, data and the bundled chart script
 * inline, images as data URLs; a Content-Security-Policy that lets it fetch nothing). Each chart
 * has a table of the same numbers under it, written here so that it reads without scripts.
 */
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import type { CutBytesRow } from './cut-bytes.js';
import type { Thumbnail } from './gradcam-thumbnails.js';
import { type Cell, foldedTable, htmlTable, inlineScript, scriptJson } from './html.js';
import { breakdownChart, cutBytesChart, type PageData, saliencyChart } from './page-data.js';
import {
  accuracyText, bytesText, cutLabel, exitsLabel, missText, mjText, msText, objectiveWords, percentText, requirementTexts,
} from './plan-labels.js';
import { type BreakdownRow, breakdownRows, LATENCY_PARTS, paretoData, scenarioChart, scenarioRows } from './plan-report-data.js';
import type { SaliencyCurve } from './saliency-curve.js';
import { esc } from './svg.js';

/** Everything a report shows besides the plan: what the model and data gave, or why not. */
export interface ReportInputs {
  readonly doc: PlanDocument;
  /** the plan file as given (shown in the header) */
  readonly planFile: string;
  readonly cutBytes: readonly CutBytesRow[];
  /** how the bytes per cut were obtained (network order with the model, the plan's cuts without) */
  readonly cutBytesNote: string;
  readonly saliency: SaliencyCurve | null;
  /** why the saliency curve is absent (when it is) */
  readonly saliencyAbsent?: string;
  readonly thumbnails: { readonly layers: readonly string[]; readonly images: readonly Thumbnail[] } | null;
  readonly thumbnailsAbsent?: string;
  /** latency breakdown bars: the recommended configuration and the front, at most this many (default 20) */
  readonly breakdownMax?: number;
}

const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
header { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 0 0 4px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin-top: 18px; }
.lead { color: var(--muted); margin: 0 0 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { margin-top: 12px; padding: 10px 14px; border-radius: 6px; background: #eef6ee; border: 1px solid #9ccc9c; }
.verdict.miss { background: #fbeeee; border-color: #e0a0a0; }
.scroll { overflow-x: auto; }
.scroll td { white-space: nowrap; }
.scroll td .wrap { white-space: normal; display: inline-block; min-width: 300px; vertical-align: top; }
.chart { position: relative; height: 420px; }
.chart.short { height: 300px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:hover { background: #f1f4fa; }
details.table { margin-top: 8px; }
details.table > summary { cursor: pointer; color: var(--accent); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card h3 { font-size: 15px; margin: 0 0 6px; }
.card.meets { border-top: 4px solid #59a14f; } .card.misses { border-top: 4px solid #e15759; } .card.none { border-top: 4px solid #bab0ac; color: var(--muted); }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 8px; margin: 0; font-size: 12.5px; }
.card dt { color: var(--muted); } .card dd { margin: 0; overflow-wrap: anywhere; }
.absent { color: var(--muted); font-style: italic; }
.thumbs { display: grid; gap: 8px; align-items: start; }
.thumbs figure { margin: 0; text-align: center; font-size: 12px; color: var(--muted); }
.thumbs img { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid var(--line); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; vertical-align: baseline; }
@media (max-width: 900px) { .cards, .pair { grid-template-columns: 1fr 1fr; } }
`;

/** A canvas with a text alternative (the table under it has the numbers). */
const canvas = (id: string, label: string, short = false): string =>
  `<div class="chart${short ? ' short' : ''}"><canvas id="${id}" role="img" aria-label="${esc(label)}">${esc(label)}; the table below has the numbers.</canvas></div>`;

const marginText = (e: PlanEntry): string => (e.margin === null ? '∞' : e.margin.toFixed(3));

function header(inputs: ReportInputs): string {
  const { doc } = inputs;
  const load = doc.load;
  const devices = Object.values(doc.devices).map((d) => `${d.name}${d.description ? ` (${d.description})` : ''}`);
  const networks = Object.values(doc.networks).map((n) => `${n.name}: ${n.uplinkBps / 1e6} Mbit/s up, ${n.rttMs} ms RTT, loss ${n.lossRate}`);
  const req = requirementTexts(doc.requirements);
  const facts: [string, string][] = [
    ['model', `<code>${esc(doc.model.path)}</code> (${esc(doc.model.name)}; inputs ${esc(doc.model.inputs.join(', '))}; outputs ${esc(doc.model.outputs.join(', '))})`],
    ['model SHA-256', `<code>${esc(doc.model.sha256)}</code>`],
    ['plan', `<code>${esc(inputs.planFile)}</code>, ${esc(doc.format)} version ${doc.version}, written by cleave ${esc(doc.cleaveVersion)}`],
    ['edge devices', esc(devices.join('; '))],
    ['networks', esc(networks.join('; '))],
    ['server', esc(`${doc.server.name}${doc.server.description ? ` (${doc.server.description})` : ''}`)],
    ['load', esc(`${load.devices} device(s)${load.fps > 0 ? ` × ${load.fps} fps` : ', frames far apart'}, ${load.workers} server worker(s), ${load.connection} connection, ${load.arrivals} arrivals`)],
    ['requirements', esc(req.length ? req.join(', ') : 'none (the recommendation is the fastest front member)')],
    ['accuracy', esc(accuracyText(doc))],
    ['sweep', esc(`${doc.sweep.configurations} configurations: ${doc.sweep.cuts} cuts (local and remote included, up to ${doc.sweep.maxTensors} tensor(s)), codecs ${doc.sweep.codecs.join(', ')}, ${doc.sweep.exitConfigurations} exit configuration(s), ${doc.sweep.sparsity.length + 1} sparsity variant(s); Pareto front of ${doc.front.length} over ${objectiveWords(doc.sweep.frontObjectives)}`)],
  ];
  const r = doc.recommended;
  const o = r.objectives;
  const verdict = `<div class="verdict${doc.feasible ? '' : ' miss'}"><strong>${doc.feasible ? 'Recommended' : 'No configuration meets the requirements; the plan holds the nearest'}:</strong> <code>${esc(r.id)}</code><br>`
    + esc(`p50 ${msText(o.latencyMs)} ms, p99 ${msText(o.p99Ms)} ms (${r.latencySource}); accuracy ${percentText(o.accuracy)} (${o.accuracySource}); edge memory ${bytesText(o.edgeMemoryBytes)}; energy ${mjText(o.energyMj)} mJ; ${bytesText(o.bytes)} sent per inference; margin ${marginText(r)}`)
    + (r.missed.length ? `<br>${esc(`misses ${r.missed.map(missText).join(', ')}`)}` : '') + '</div>';
  return `<header><h1>Plan report: ${esc(doc.model.name || doc.model.path)}</h1><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>${verdict}</header>`;
}

/** The columns every configuration table shares. */
const ENTRY_HEAD = ['cut', 'codec', 'exits', 'sparsity', 'device', 'network', 'p50 ms', 'p99 ms', 'latency from', 'accuracy', 'accuracy is', 'edge memory', 'energy mJ', 'bytes sent', 'margin', 'meets'];

function entryCells(e: PlanEntry): Cell[] {
  const o = e.objectives;
  return [cutLabel(e), e.codec, exitsLabel(e), e.sparsity, e.device, e.network, msText(o.latencyMs), msText(o.p99Ms), e.latencySource,
    percentText(o.accuracy), o.accuracySource, bytesText(o.edgeMemoryBytes), mjText(o.energyMj), bytesText(o.bytes), marginText(e),
    e.feasible ? 'yes' : { html: `no: <span class="wrap">${esc(e.missed.map(missText).join('; '))}</span>` }];
}

function paretoSection(doc: PlanDocument, data: PageData): string {
  const p = data.pareto;
  const colour = new Map(p.series.map((s) => [s.label, s.colour]));
  const rows = doc.front.map((e, i) => [
    { html: `${i + 1}${e.id === doc.recommended.id ? ' ★' : ''}` },
    { html: `<span class="swatch" style="background:${esc(colour.get(cutLabel(e)) ?? '#999')}"></span>${esc(cutLabel(e))}` },
    ...entryCells(e).slice(1),
  ]);
  return `<section id="pareto"><h2>Pareto front: latency against accuracy</h2>
<p class="lead">${doc.front.length} configurations no other beats on every objective (${esc(objectiveWords(doc.sweep.frontObjectives))}). Colour: the cut; size: bytes sent per inference (log); hollow: misses a requirement;${p.unbounded ? ' ▷ at the right edge: unbounded latency (an overloaded queue);' : ''} black ring: the recommendation; dashed red: the requirements, the shaded side misses them. Hover a point for its whole configuration.</p>
${canvas('pareto-chart', `Scatter plot of the ${doc.front.length} front configurations, ${p.xTitle} against ${p.yTitle}`)}
${foldedTable('the front as a table, best margin first', htmlTable('Pareto front (★ recommended)', ['#', ...ENTRY_HEAD], rows, { id: 'front-table' }), rows.length)}
</section>`;
}

function breakdownSection(doc: PlanDocument, rows: readonly BreakdownRow[]): string {
  const table = htmlTable('latency per part, ms (analytic; the sent path: an inference that is uploaded)',
    ['configuration', ...LATENCY_PARTS.map((q) => q.label), 'sum', 'plan p50', 'from', 'uploaded'],
    rows.map((r) => [r.label, ...r.parts.map(msText), msText(r.sentMs), msText(r.latencyMs), r.latencySource, percentText(r.uploadFraction)]),
    { id: 'breakdown-table' });
  const more = doc.front.length + 1 - rows.length;
  return `<section id="breakdown"><h2>Where the time goes</h2>
<p class="lead">Per configuration (★ the recommendation, then the front by margin${more > 0 ? `; ${more} more front member${more === 1 ? ' is' : 's are'} in the Pareto table` : ''}): head and exits on the edge, encoding, waiting for the shared uplink, the transfer with its reply, waiting for a server worker, the tail with decoding. The bars are the analytic model's parts of an inference that is sent; ◆ marks the plan's median when the simulator re-timed it (queues and losses included), ◇ when analytic. With exits, only the uploaded fraction takes the sent path.</p>
${canvas('breakdown-chart', 'Stacked horizontal bars of the latency parts per configuration')}
${foldedTable('the parts as a table', table, rows.length)}
</section>`;
}

function scenarioSection(doc: PlanDocument): string {
  const rows = scenarioRows(doc);
  const cards = rows.map((r) => {
    const e = r.entry;
    if (!e) {
      const why = r.name === 'earlyExit' ? 'the sweep has no exit configuration that fits a head (give cleave plan --exits)' : 'the sweep has no configuration of this kind';
      return `<div class="card none"><h3>${esc(r.title)}</h3><p>none: ${esc(why)}</p></div>`;
    }
    const o = e.objectives;
    const items: [string, string][] = [
      ['cut', cutLabel(e)], ['codec', e.codec], ['exits', exitsLabel(e)], ['device', e.device], ['network', e.network],
      ['p50 / p99', `${msText(o.latencyMs)} / ${msText(o.p99Ms)} ms (${e.latencySource})`], ['accuracy', `${percentText(o.accuracy)} (${o.accuracySource})`],
      ['edge memory', bytesText(o.edgeMemoryBytes)], ['energy', `${mjText(o.energyMj)} mJ`], ['sent', bytesText(o.bytes)],
      ['margin', marginText(e)], ['meets', e.feasible ? 'every requirement' : e.missed.map(missText).join('; ')],
    ];
    return `<div class="card ${e.feasible ? 'meets' : 'misses'}"><h3>${esc(r.title)}</h3><dl>${items.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`;
  });
  const table = htmlTable('the best configuration of each scenario', ['scenario', ...ENTRY_HEAD],
    rows.map((r) => (r.entry ? [r.title, ...entryCells(r.entry)] : [r.title, 'none', ...ENTRY_HEAD.slice(1).map(() => '')])), { id: 'scenario-table' });
  return `<section id="scenarios"><h2>Four scenarios side by side</h2>
<p class="lead">Split-Et-Impera's comparison: everything on the edge (local), everything on the server (remote), split at a cut, and split with early exits; each the best of its kind by margin, whether or not it meets the requirements.</p>
<div class="cards">${cards.join('\n')}</div>
<div class="pair">${canvas('scenario-latency-chart', 'Bars of the p50 and p99 latency per scenario', true)}${canvas('scenario-energy-chart', 'Bars of the energy per inference per scenario', true)}</div>
${foldedTable('the scenarios as a table', table, rows.length)}
</section>`;
}

function cutBytesSection(inputs: ReportInputs, drawn: boolean): string {
  const rows = inputs.cutBytes;
  const table = htmlTable('bytes per inference at each cut', ['cut', 'bytes that cross', 'fewest encoded in the plan', 'codec', 'on the front', 'recommended'],
    rows.map((r) => [r.label, bytesText(r.rawBytes), bytesText(r.planBytes), r.planCodec ?? '-', r.onFront ? 'yes' : '', r.recommended ? '★' : '']),
    { id: 'cut-bytes-table' });
  return `<section id="cut-bytes"><h2>Bytes per cut along the network</h2>
<p class="lead">${esc(inputs.cutBytesNote)}${drawn ? ' Bars: what crosses each cut as the model computes it (orange: the recommended cut, blue: cuts on the front); ◆ the fewest bytes a configuration of the plan sends there after its codec.' : ''}</p>
${drawn ? canvas('cut-bytes-chart', 'Bars of the bytes that cross each cut, in the network order, log scale') : ''}
${rows.length ? foldedTable('bytes per cut as a table', table, rows.length) : '<p class="absent">No cut of the plan sends anything.</p>'}
</section>`;
}

function saliencySection(inputs: ReportInputs): string {
  const s = inputs.saliency;
  if (!s) return `<section id="saliency"><h2>I-SPLIT saliency along the network</h2><p class="absent">Absent: ${esc(inputs.saliencyAbsent ?? 'no saliency scores')}.</p></section>`;
  const table = htmlTable('log S(l) per cut', ['cut', 'log S(l)', 'bytes', 'I-SPLIT'],
    s.points.map((p) => [p.tensor, p.logScore === null ? '-inf' : p.logScore.toFixed(4), bytesText(p.bytes), [p.best ? 'choice (global maximum)' : p.candidate ? 'candidate (local maximum)' : '', p.planCut ? '★ the plan cuts here' : ''].filter(Boolean).join('; ')]),
    { id: 'saliency-table' });
  return `<section id="saliency"><h2>I-SPLIT saliency along the network</h2>
<p class="lead">S(l): the mean Grad-CAM map at cut l, summed and divided by its area (${esc(s.source)}). I-SPLIT's candidates are the local maxima of log S (large circles), its choice the global maximum (filled); ★ the plan's cut. Dashed red: bytes at the cut.</p>
${canvas('saliency-chart', 'Line plot of log S(l) and of the bytes at each cut, in the network order')}
${foldedTable('the scores as a table', table, s.points.length)}
</section>`;
}

function thumbnailSection(inputs: ReportInputs): string {
  const t = inputs.thumbnails;
  if (!t || t.images.length === 0 || t.layers.length === 0) {
    return `<section id="gradcam"><h2>Grad-CAM at the candidate cuts</h2><p class="absent">Absent: ${esc(inputs.thumbnailsAbsent ?? 'no layer with a spatial map to draw')}.</p></section>`;
  }
  const columns = t.layers.length + 1;
  const r = inputs.doc.recommended;
  const planCutFirst = r.placement === 'split' && r.cut.length === 1 && t.layers[0] === r.cut[0];
  const figures = t.images.flatMap((im) => [
    `<figure><img src="${im.picture}" alt="${esc(`image ${im.image}, class ${im.trueClass}`)}"><figcaption>#${im.image}: ${esc(im.trueClass)} → ${esc(im.predictedClass)}</figcaption></figure>`,
    ...t.layers.map((layer, k) => `<figure><img src="${im.overlays[k] ?? ''}" alt="${esc(`Grad-CAM of image ${im.image} at ${layer}`)}"><figcaption>${esc(layer)}</figcaption></figure>`),
  ]);
  return `<section id="gradcam"><h2>Grad-CAM at the candidate cuts</h2>
<p class="lead">Where the model looks at each cut: the Grad-CAM map of the predicted class (red high, blue low) over ${t.images.length} held-out image(s), at ${esc(t.layers.join(', '))} (${planCutFirst ? "the plan's cut first, then " : ''}I-SPLIT's choice and candidates). Captions: true → predicted class.</p>
<div class="thumbs" style="grid-template-columns: repeat(${columns}, 120px)">${figures.join('\n')}</div>
</section>`;
}

function missesSection(doc: PlanDocument): string {
  if (doc.misses.length === 0) return '';
  const rows = doc.misses.map((e) => [...entryCells(e)]);
  return `<section id="misses"><h2>Nearest misses</h2><p class="lead">The front members that miss a requirement by the least.</p>
${htmlTable('nearest infeasible configurations', ENTRY_HEAD, rows, { id: 'misses-table' })}</section>`;
}

/** The page's data for its charts. */
export function reportPageData(inputs: ReportInputs, rows: readonly BreakdownRow[]): PageData {
  const order = inputs.cutBytes.filter((r) => r.rawBytes !== null).map((r) => r.label);
  return {
    pareto: paretoData(inputs.doc, order),
    breakdown: breakdownChart(rows),
    scenarios: scenarioChart(inputs.doc),
    cutBytes: cutBytesChart(inputs.cutBytes),
    saliency: saliencyChart(inputs.saliency),
  };
}

/** The whole page; `script` is the bundled page script (page-bundle.ts). */
export function planReportHtml(inputs: ReportInputs, script: string): string {
  const { doc } = inputs;
  const rows = breakdownRows(doc, inputs.breakdownMax ?? 20);
  const data = reportPageData(inputs, rows);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>cleave plan report: ${esc(doc.model.name || doc.model.path)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${header(inputs)}
${paretoSection(doc, data)}
${breakdownSection(doc, rows)}
${scenarioSection(doc)}
${cutBytesSection(inputs, data.cutBytes !== null)}
${saliencySection(inputs)}
${thumbnailSection(inputs)}
${missesSection(doc)}
</main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${inlineScript(script)}</script>
</body>
</html>
`;
}
