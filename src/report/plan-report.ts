/**
 * The HTML report of a plan (`cleave report`): the plan's own figures always; with the model,
 * the bytes at every cut in the network's order; with the model and held-out images, the I-SPLIT
 * saliency curve and Grad-CAM thumbnails at the candidate cuts (or the curve from a
 * `cleave rank --json` file). The caller reads the files and checks the model's hash.
 */
import { analyze } from '../analysis/analyze.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { graphFromModel } from '../graph/graph.js';
import type { Normalisation } from '../image/transform.js';
import { rankCuts, scanSaliency } from '../interpret/isplit.js';
import type { ModelProto } from '../onnx/types.js';
import type { SaliencyScores } from '../qos/accuracy.js';
import type { PlanDocument } from '../qos/plan-file.js';
import { cutBytesAlongNetwork, cutBytesInPlan } from './cut-bytes.js';
import { gradcamThumbnails } from './gradcam-thumbnails.js';
import { reportPageScript } from './page-bundle.js';
import { planReportHtml, type ReportInputs } from './plan-report-html.js';
import { camLayers, type SaliencyCurve, saliencyCurve } from './saliency-curve.js';

export interface PlanReportOptions {
  /** the plan file as given (shown in the header) */
  readonly planFile: string;
  /** the plan's model (its hash already checked by the caller) */
  readonly model?: ModelProto;
  /** held-out images for the saliency scan and the thumbnails, with the name they were given by */
  readonly data?: { readonly name: string; readonly images: ImageDataset };
  /** S(l) per cut from `cleave rank --json`, when not computed here */
  readonly ranking?: { readonly scores: SaliencyScores; readonly source: string };
  /** images for the I-SPLIT scan (default 256) */
  readonly scanImages?: number;
  /** images with Grad-CAM thumbnails (default 4) */
  readonly thumbnails?: number;
  /** cuts to draw Grad-CAM at (default 4) */
  readonly camLayers?: number;
  readonly normalisation?: Normalisation;
  readonly threads?: number;
  /** latency-breakdown bars (default 20) */
  readonly breakdownMax?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What the report holds and why parts of it are absent. */
export interface PlanReport {
  readonly html: string;
  readonly inputs: ReportInputs;
}

const GIVE = 'give --model and --data (held-out images) to compute it';

export async function planReport(doc: PlanDocument, o: PlanReportOptions): Promise<PlanReport> {
  const analysis = o.model && analyze(graphFromModel(o.model), { batch: 1, maxTensors: doc.sweep.maxTensors });
  const planCut = doc.recommended.placement === 'split' ? doc.recommended.cut : [];
  const cutBytes = analysis ? cutBytesAlongNetwork(doc, analysis) : cutBytesInPlan(doc);
  const cutBytesNote = analysis
    ? `Every cut point of ${doc.model.path} in the network's order (batch 1${doc.sweep.maxTensors > 1 ? `, up to ${doc.sweep.maxTensors} tensors` : ''}), the input itself first (remote).`
    : `The model is not at hand (give --model), so only the cuts the plan's configurations use are listed, in the plan's order, not the network's.`;

  let saliency: SaliencyCurve | null = null;
  let saliencyAbsent = `no saliency scores: ${GIVE}, or --rank FILE (the output of cleave rank --json)`;
  if (o.model && o.data) {
    const scan = await scanSaliency(o.model, o.data.images, { images: o.scanImages ?? 256, normalisation: o.normalisation, threads: o.threads, onProgress: o.onProgress });
    const ranking = rankCuts(scan);
    saliency = saliencyCurve(ranking.cuts.map((c) => ({ tensor: c.tensor, score: c.score, bytes: c.bytes })),
      `Grad-CAM of the predicted class over ${ranking.images} images of ${o.data.name}`, planCut);
  } else if (o.ranking) {
    const bytes = new Map(analysis?.cutPoints.filter((c) => c.tensors.length === 1).map((c) => [c.tensors[0]!, c.bytes])); // a one-tensor cut
    saliency = saliencyCurve([...o.ranking.scores].map(([tensor, score]) => ({ tensor, score, bytes: bytes.get(tensor) ?? null })),
      `the scores of ${o.ranking.source} (cleave rank --json)`, planCut);
  }
  if (saliency) saliencyAbsent = '';

  let thumbnails: ReportInputs['thumbnails'] = null;
  let thumbnailsAbsent = `no held-out images: ${GIVE}`;
  if (o.model && o.data && saliency && analysis) {
    const shapes = new Map(analysis.tensors.map((t) => [t.name, t.shape]));
    const spatial = (t: string): boolean => {
      const s = shapes.get(t);
      return !!s && s.length === 4 && s[2]! * s[3]! > 1; // s has 4 entries (checked first)
    };
    const layers = camLayers(saliency, planCut, spatial, o.camLayers ?? 4);
    thumbnails = { layers, images: await gradcamThumbnails(o.model, o.data.images, layers, { images: o.thumbnails ?? 4, normalisation: o.normalisation, threads: o.threads }) };
    thumbnailsAbsent = 'none of the candidate cuts has a spatial map (H x W > 1) to draw';
  }

  const inputs: ReportInputs = {
    doc, planFile: o.planFile, cutBytes, cutBytesNote,
    saliency, ...(saliencyAbsent ? { saliencyAbsent } : {}),
    thumbnails, thumbnailsAbsent,
    breakdownMax: o.breakdownMax,
  };
  return { html: planReportHtml(inputs, await reportPageScript()), inputs };
}
