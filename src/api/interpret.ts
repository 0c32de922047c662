/**
 * `cleave/interpret`: Grad-CAM as one ONNX model, I-SPLIT (cut points ranked by saliency),
 * bottlenecks inserted at a cut and retrained, heatmaps and the ranking plot.
 * This file only re-exports; each module documents its own exports.
 */

// Grad-CAM.
export { buildGradCamModel, type CamLayer, type GradCamModel, type GradCamOptions } from '../interpret/gradcam.js';
export { GradCam, type CamMaps, type GradCamResult } from '../interpret/gradcam-run.js';
export { jet, normaliseMap, overlayHeatmap } from '../image/heatmap.js';

// I-SPLIT: cut points ranked by Grad-CAM saliency.
export { isplit, isplitLayers, rankCuts, scanSaliency, type CutScore, type IsplitLayer, type IsplitOptions, type IsplitRanking, type RankOptions, type SaliencyScan } from '../interpret/isplit.js';
export { averageRanks, localMaxima, pearson, spearman } from '../interpret/isplit-stats.js';
export { exposeDenseAsMaps, type DenseView } from '../interpret/isplit-dense.js';
export { loadImages, modelInputChw } from '../interpret/isplit-data.js';
export { isplitPlotSvg, type PlotCut, type PlotOptions } from '../report/isplit-plot.js';

// Bottlenecks retrained at a cut.
export { insertBottleneck, type Bottleneck, type BottleneckOptions } from '../bottleneck/insert.js';
export { trainBottleneck, type BottleneckResult, type BottleneckTrainOptions } from '../bottleneck/train.js';
export { accuracyOf, type Accuracy, type AccuracyOptions } from '../bottleneck/evaluate.js';
