import { EdgeClient, type ModelRunner, type Prediction, type RawImage, type Transport, exitIndexOf, fetchTransport, imageToTensor, parseCodec } from 'cleave/edge';
import { webRuntime } from './ort-web-runtime.js';

/** The page's view of the server's /web/config.json. */
interface PageConfig {
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly cutOutput: string;
  readonly tailModel: string;
  readonly tailInput: string;
  readonly samples: number;
  readonly classNames: readonly string[];
  readonly hasFull: boolean;
}

interface Sample { readonly index: number; readonly label: number; readonly width: number; readonly height: number; readonly channels: number; readonly pixels: string }

/** What one classification shows, and what tests read back. */
export interface PageResult {
  readonly label: number;
  readonly className: string;
  readonly truth: number | null;
  readonly origin: string;
  /** the exit's confidence (max softmax) when an exit answered */
  readonly confidence: number | null;
  readonly codec: string;
  readonly bytesSent: number;
  readonly cutBytes: number;
  readonly timing: Prediction['timing'];
  readonly scores: number[];
  /** the page's one client: its answers so far by origin, and its uplink estimate */
  readonly byOrigin: Readonly<Record<string, number>>;
  readonly uplinkMbps: number | null;
}

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

function status(text: string): void {
  $('status').textContent = text;
}

function draw(img: RawImage): void {
  const canvas = $<HTMLCanvasElement>('preview');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) rgba.data[i * 4 + c] = img.data[i * img.channels + (img.channels === 1 ? 0 : c)] as number;
    rgba.data[i * 4 + 3] = img.channels === 4 ? (img.data[i * 4 + 3] as number) : 255;
  }
  ctx.putImageData(rgba, 0, 0);
}

async function main(): Promise<void> {
  const config = (await (await fetch('/web/config.json')).json()) as PageConfig;
  const runtime = webRuntime(new URL('/ort/', location.href).href);
  const head: ModelRunner = await runtime.load(new Uint8Array(await (await fetch('/web/head.onnx')).arrayBuffer()));
  const full: ModelRunner | undefined = config.hasFull ? await runtime.load(new Uint8Array(await (await fetch('/web/full.onnx')).arrayBuffer())) : undefined;
  const [, channels = 1, height = 28, width = 28] = config.input.shape;
  // "Link down" in the page: every request fails as if the network were gone.
  const down: Transport = async () => { throw new Error('link down (simulated in the page)'); };
  const online = fetchTransport();
  $<HTMLInputElement>('offline').disabled = !full;
  $<HTMLInputElement>('sample').max = String(Math.max(0, config.samples - 1));
  // The head's outputs besides the cut tensor are its early exits (`cleave cut` keeps them there).
  const exits = head.outputNames.filter((n) => n !== config.cutOutput);
  $<HTMLInputElement>('tau').disabled = exits.length === 0;
  // One client for the page: its circuit breaker and its uplink estimate carry over from click to click.
  const client = new EdgeClient({
    serverUrl: location.origin, model: config.tailModel, head, cutOutput: config.cutOutput, tailInput: config.tailInput,
    exits: exits.map((output, k) => ({ output, threshold: 1, index: exitIndexOf(output) ?? k })),
    transport: (...args) => ($<HTMLInputElement>('offline').checked ? down : online)(...args),
    retry: { timeoutMs: 5000, retries: 2, backoffMs: 20 },
    ...(full ? { fallback: { full } } : {}),
  });

  let current: { image: RawImage; truth: number | null } | undefined;

  const loadSample = async (index: number): Promise<void> => {
    const s = (await (await fetch(`/web/samples/${index}`)).json()) as Sample;
    const pixels = Uint8Array.from(atob(s.pixels), (c) => c.charCodeAt(0));
    current = { image: { width: s.width, height: s.height, channels: s.channels === 3 ? 3 : 1, data: pixels }, truth: s.label };
    draw(current.image);
  };

  const classify = async (codecText: string): Promise<PageResult> => {
    if (!current) throw new Error('pick an image first');
    const codec = parseCodec(codecText);
    // The exit threshold (max softmax): empty turns the exits off.
    const tauText = $<HTMLInputElement>('tau').value.trim();
    const tau = tauText === '' ? null : Number(tauText);
    const data = imageToTensor(current.image, channels, height, width);
    const p = await client.predict({ [config.input.name]: { dtype: 'float32', dims: [1, channels, height, width], data } }, {
      codec, thresholds: Object.fromEntries(exits.map((e) => [e, tau])),
    });
    const label = p.labels[0] ?? -1;
    const stats = client.stats();
    const result: PageResult = {
      label, className: config.classNames[label] ?? String(label), truth: current.truth, origin: p.origin, confidence: p.confidence?.[0] ?? null, codec: p.codec,
      bytesSent: p.bytesSent, cutBytes: p.cutBytes, timing: p.timing, scores: Array.from(p.scores.data as Float32Array),
      byOrigin: stats.byOrigin, uplinkMbps: stats.uplinkMbps ?? null,
    };
    $('answer').textContent = `${result.className}`;
    $('truth').textContent = result.truth === null ? '(uploaded image)' : String(config.classNames[result.truth] ?? result.truth);
    $('origin').textContent = p.origin === 'server' ? 'server'
      : p.origin.startsWith('exit-') ? `${p.origin} in the browser (confidence ${(result.confidence ?? 0).toFixed(3)} >= ${tau}), nothing sent`
        : `${p.origin} (${p.fallbackReason ?? ''})`;
    $('bytes').textContent = `${result.bytesSent} B request (${result.cutBytes} B cut tensor, ${result.codec})`;
    $('split').textContent = `head ${p.timing.headMs.toFixed(1)} ms · encode ${p.timing.encodeMs.toFixed(1)} ms · network + tail ${p.timing.networkMs.toFixed(1)} ms · total ${p.timing.totalMs.toFixed(1)} ms`;
    $('uplink').textContent = stats.uplinkMbps === undefined ? `not yet (${stats.measured} request${stats.measured === 1 ? '' : 's'} measured)` : `${stats.uplinkMbps.toFixed(1)} Mbit/s (median of the last requests)`;
    $('counts').textContent = Object.entries(stats.byOrigin).map(([o, n]) => `${o} ${n}`).join(' · ');
    $('result').dataset.done = String(Number($('result').dataset.done ?? '0') + 1);
    return result;
  };

  $('load').addEventListener('click', () => { void loadSample(Number($<HTMLInputElement>('sample').value)).catch((e: Error) => status(e.message)); });
  $('random').addEventListener('click', () => {
    const i = Math.floor(Math.random() * Math.max(1, config.samples));
    $<HTMLInputElement>('sample').value = String(i);
    void loadSample(i).catch((e: Error) => status(e.message));
  });
  $<HTMLInputElement>('file').addEventListener('change', async (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(bitmap, 0, 0);
    const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    current = { image: { width: d.width, height: d.height, channels: 4, data: d.data }, truth: null };
    draw(current.image);
  });
  $('run').addEventListener('click', () => {
    status('classifying...');
    classify($<HTMLSelectElement>('codec').value).then(() => status('done'), (e: Error) => status(`failed: ${e.message}`));
  });

  if (config.samples > 0) await loadSample(0);
  // For automation (the end-to-end test): the same path as the buttons.
  (window as unknown as { cleave: object }).cleave = {
    classifySample: async (index: number, codec: string, offline = false, tau: number | null = null) => {
      $<HTMLInputElement>('offline').checked = offline;
      $<HTMLInputElement>('tau').value = tau === null ? '' : String(tau);
      await loadSample(index);
      return classify(codec);
    },
  };
  status(`ready: head in the browser (${runtime.name})${exits.length ? ` with ${exits.length} early exit${exits.length > 1 ? 's' : ''}` : ''}, tail "${config.tailModel}" on ${location.host}${full ? '; whole model loaded for the fallback' : ''}`);
  document.body.dataset.ready = 'true';
}

main().catch((e: Error) => status(`failed to start: ${e.message}`));
