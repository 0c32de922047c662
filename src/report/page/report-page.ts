/**
 * The report page's script (runs in the browser; bundled with Chart.js by page-bundle.ts and
 * inlined into the HTML). It reads the numbers plan-report.ts embedded as JSON and draws the
 * charts; it fetches nothing. The tables under the charts are written by plan-report-html.ts
 * and hold the same numbers without scripts.
 */
import {
  BarController, BarElement, BubbleController, CategoryScale, Chart, type ChartDataset, Legend, LinearScale, LineController,
  LineElement, LogarithmicScale, type Plugin, PointElement, ScatterController, Tooltip, type TooltipItem,
} from 'chart.js';
import type { PageData } from '../page-data.js';
import type { ParetoPoint, RequirementLine } from '../plan-report-data.js';

Chart.register(BarController, BubbleController, LineController, ScatterController, BarElement, LineElement, PointElement,
  CategoryScale, LinearScale, LogarithmicScale, Legend, Tooltip);
Chart.defaults.animation = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.maintainAspectRatio = false;

/** What the page exposes for tests and the curious: the charts, and which Pareto datasets are the front. */
interface ReportWindow {
  cleaveReport?: { charts: Record<string, Chart>; paretoFront: number[]; paretoMarker: number };
}

const data = JSON.parse(document.getElementById('report-data')?.textContent ?? 'null') as PageData;
const charts: Record<string, Chart> = {};
const canvas = (id: string): HTMLCanvasElement | null => document.getElementById(id) as HTMLCanvasElement | null;
const fmt = (v: number | null, digits = 3): string => (v === null ? 'unbounded' : Number(v.toPrecision(digits)).toString());
const bytesText = (b: number | null): string => (b === null ? '-' : b >= 1024 * 1024 ? `${(b / 1048576).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${Math.round(b)} B`);

/** Log-axis tick labels at powers of ten only (the minor ticks keep their grid lines). */
const powersOfTen = (value: number | string): string => {
  const v = Number(value);
  const e = Math.round(Math.log10(v));
  return v > 0 && Math.abs(v - 10 ** e) < 1e-9 * v ? v.toLocaleString('en') : '';
};

/** Log-axis tick labels at 1, 2 and 5 times a power of ten only (the others would overlap). */
const oneTwoFive = (value: number | string): string => {
  const v = Number(value);
  if (!(v > 0)) return '';
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) ? Number(v.toPrecision(3)).toLocaleString('en') : '';
};

/**
 * Dashed requirement lines on the Pareto plot, each shading the side that misses it, and the
 * word "recommended" beside the ring of dataset `marker`.
 */
function paretoOverlay(lines: readonly RequirementLine[], marker: number): Plugin<'bubble'> {
  return {
    id: 'paretoOverlay',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea: a, scales } = chart;
      ctx.save();
      const ring = marker >= 0 ? chart.getDatasetMeta(marker).data[0] : undefined;
      if (ring) {
        ctx.fillStyle = '#111';
        ctx.font = 'bold 12px system-ui, sans-serif';
        const right = ring.x > (a.left + a.right) / 2;
        ctx.textAlign = right ? 'right' : 'left';
        const r = (data.pareto.recommended?.r ?? 10) + 4;
        ctx.fillText('recommended', ring.x + (right ? -r : r), ring.y + (ring.y < a.top + 20 ? 16 : -r));
      }
      for (const line of lines) {
        const scale = line.axis === 'x' ? scales.x : scales.y;
        if (!scale) continue;
        const p = scale.getPixelForValue(line.value);
        const inside = line.axis === 'x' ? p >= a.left && p <= a.right : p >= a.top && p <= a.bottom;
        if (!inside) continue;
        ctx.fillStyle = 'rgba(225, 87, 89, 0.07)';
        if (line.axis === 'x') ctx.fillRect(p, a.top, a.right - p, a.bottom - a.top);
        else ctx.fillRect(a.left, p, a.right - a.left, a.bottom - p);
        ctx.strokeStyle = '#c0392b';
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        if (line.axis === 'x') { ctx.moveTo(p, a.top); ctx.lineTo(p, a.bottom); } else { ctx.moveTo(a.left, p); ctx.lineTo(a.right, p); }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#c0392b';
        ctx.font = '12px system-ui, sans-serif';
        if (line.axis === 'x') { ctx.textAlign = 'left'; ctx.fillText(line.label, p + 4, a.top + 12); } else { ctx.textAlign = 'right'; ctx.fillText(line.label, a.right - 4, p - 4); }
      }
      ctx.restore();
    },
  };
}

function paretoChart(): void {
  const el = canvas('pareto-chart');
  if (!el) return;
  const d = data.pareto;
  const datasets: ChartDataset<'bubble', ParetoPoint[]>[] = d.series.map((s) => ({
    label: s.label,
    data: [...s.points],
    borderColor: s.colour,
    backgroundColor: s.points.map((p) => (p.feasible ? `${s.colour}b3` : 'rgba(255, 255, 255, 0.85)')),
    borderWidth: 2,
    pointStyle: s.points.map((p) => (p.unbounded ? 'triangle' : 'circle')),
    rotation: s.points.map((p) => (p.unbounded ? 90 : 0)),
    order: 1,
  }));
  const front = datasets.map((_, i) => i);
  const marker = d.recommended ? datasets.length : -1;
  if (d.recommended) {
    datasets.push({
      label: 'recommended',
      data: [{ x: d.recommended.x, y: d.recommended.y, r: d.recommended.r, entry: d.recommended.entry, unbounded: false, feasible: true }],
      borderColor: '#111',
      backgroundColor: 'rgba(0, 0, 0, 0)',
      borderWidth: 3,
      order: 0,
    });
  }
  const xs = d.lines.filter((l) => l.axis === 'x').map((l) => l.value);
  const ys = d.lines.filter((l) => l.axis === 'y').map((l) => l.value);
  charts.pareto = new Chart(el, {
    type: 'bubble',
    data: { datasets },
    plugins: [paretoOverlay(d.lines, marker)],
    options: {
      scales: {
        x: { type: d.xScale, title: { display: true, text: d.xTitle }, ...(d.xScale === 'logarithmic' ? { ticks: { callback: oneTwoFive } } : {}), ...(xs.length ? { suggestedMax: Math.max(...xs) * 1.08 } : {}) },
        y: { title: { display: true, text: d.yTitle }, suggestedMax: 1, ...(ys.length ? { suggestedMin: Math.max(0, Math.min(...ys) - 0.02) } : {}) },
      },
      plugins: {
        legend: { position: 'right', labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            title: () => '',
            label: (item: TooltipItem<'bubble'>) => {
              const p = item.raw as ParetoPoint;
              return item.datasetIndex === marker ? ['recommended', ...d.recommendedHover] : [...(d.hover[p.entry] ?? [])];
            },
          },
        },
      },
    },
  });
  (window as ReportWindow).cleaveReport = { charts, paretoFront: front, paretoMarker: marker };
}

function breakdownChart(): void {
  const el = canvas('breakdown-chart');
  if (!el) return;
  const b = data.breakdown;
  const bars: ChartDataset<'bar' | 'line', (number | null)[]>[] = b.parts.map((p) => ({ type: 'bar', label: p.label, data: [...p.values], backgroundColor: p.colour, stack: 'parts', order: 1 }));
  bars.push({
    type: 'line', label: 'plan p50 (◆ simulated, ◇ analytic)', data: [...b.latency], showLine: false, borderColor: '#111', backgroundColor: b.simulated.map((s) => (s ? '#111' : '#fff')),
    pointStyle: 'rectRot', pointRadius: 6, borderWidth: 2, stack: 'latency', order: 0,
  });
  charts.breakdown = new Chart<'bar' | 'line', (number | null)[], string>(el, {
    type: 'bar',
    data: { labels: [...b.labels], datasets: bars },
    options: {
      indexAxis: 'y',
      scales: { x: { stacked: true, title: { display: true, text: 'ms per inference that is sent (analytic parts; ◆/◇ the plan’s p50)' } }, y: { stacked: true } },
      plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } }, tooltip: { callbacks: { label: (i) => `${i.dataset.label}: ${fmt(i.raw as number | null)} ms` } } },
    },
  });
}

function scenarioCharts(): void {
  const s = data.scenarios;
  const latency = canvas('scenario-latency-chart');
  if (latency) {
    charts.scenarioLatency = new Chart(latency, {
      type: 'bar',
      data: { labels: [...s.labels], datasets: [
        { label: 'p50 ms', data: [...s.p50], backgroundColor: '#4e79a7' },
        { label: 'p99 ms', data: [...s.p99], backgroundColor: '#a0cbe8' },
      ] },
      options: { scales: { y: { title: { display: true, text: 'latency, ms' } } }, plugins: { legend: { position: 'bottom' } } },
    });
  }
  const energy = canvas('scenario-energy-chart');
  if (energy) {
    charts.scenarioEnergy = new Chart(energy, {
      type: 'bar',
      data: { labels: [...s.labels], datasets: [{ label: 'energy per inference on the edge, mJ', data: [...s.energy], backgroundColor: s.meets.map((m) => (m ? '#59a14f' : '#e15759')) }] },
      options: { scales: { y: { title: { display: true, text: 'mJ (green: meets the requirements)' } } }, plugins: { legend: { display: false } } },
    });
  }
}

function cutBytesChart(): void {
  const el = canvas('cut-bytes-chart');
  const c = data.cutBytes;
  if (!el || !c) return;
  charts.cutBytes = new Chart<'bar' | 'line', (number | null)[], string>(el, {
    type: 'bar',
    data: { labels: [...c.labels], datasets: [
      { type: 'bar', label: 'bytes that cross (as computed)', data: [...c.raw], backgroundColor: c.recommended.map((r, i) => (r ? '#f28e2b' : c.onFront[i] ? '#4e79a7' : '#bab0ac')), order: 1 },
      { type: 'line', label: 'fewest encoded bytes in the plan', data: [...c.plan], showLine: false, borderColor: '#111', backgroundColor: '#111', pointStyle: 'rectRot', pointRadius: 6, order: 0 },
    ] },
    options: {
      scales: { y: { type: 'logarithmic', title: { display: true, text: 'bytes per inference (log)' }, ticks: { callback: powersOfTen } }, x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: 45 } } },
      plugins: {
        legend: { position: 'bottom', labels: { usePointStyle: true } },
        tooltip: { callbacks: { label: (i) => `${i.dataset.label}: ${bytesText(i.raw as number | null)}${i.datasetIndex === 1 && c.codecs[i.dataIndex] ? ` (${c.codecs[i.dataIndex]})` : ''}` } },
      },
    },
  });
}

function saliencyChart(): void {
  const el = canvas('saliency-chart');
  const s = data.saliency;
  if (!el || !s) return;
  const radius = s.labels.map((_, i) => (s.best[i] || s.candidate[i] || s.planCut[i] ? 7 : 3));
  charts.saliency = new Chart<'line', (number | null)[], string>(el, {
    type: 'line',
    data: { labels: [...s.labels], datasets: [
      {
        label: 'log S(l) (I-SPLIT saliency)', data: [...s.logScore], yAxisID: 'y', borderColor: '#1f5fbf', borderWidth: 2,
        pointRadius: radius, pointStyle: s.labels.map((_, i) => (s.planCut[i] ? 'star' : 'circle')),
        pointBackgroundColor: s.labels.map((_, i) => (s.best[i] ? '#1f5fbf' : '#fff')), pointBorderColor: '#1f5fbf',
      },
      { label: 'bytes at the cut', data: [...s.bytes], yAxisID: 'bytes', borderColor: '#c0392b', borderDash: [5, 4], pointRadius: 0, borderWidth: 1.5 },
    ] },
    options: {
      scales: {
        y: { title: { display: true, text: 'log S(l)' } },
        bytes: { type: 'logarithmic', position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'bytes (log)' }, ticks: { callback: powersOfTen } },
        x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: 45 } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (i) => (i.datasetIndex === 1 ? `bytes: ${bytesText(i.raw as number | null)}` : `log S: ${fmt(i.raw as number | null, 4)}${s.best[i.dataIndex] ? ' (I-SPLIT choice)' : s.candidate[i.dataIndex] ? ' (candidate)' : ''}${s.planCut[i.dataIndex] ? ' ★ the plan cuts here' : ''}`) } },
      },
    },
  });
}

paretoChart();
breakdownChart();
scenarioCharts();
cutBytesChart();
saliencyChart();
document.body.dataset.ready = 'true';
