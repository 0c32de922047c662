import { type Analysis, analyze, type AnalyzeOptions } from '../analysis/analyze.js';
import { graphFromModel } from '../graph/graph.js';
import { readModel } from '../onnx/model-file.js';

/** Reads, indexes and analyses a model file: the first step of most commands. */
export function analyzeFile(path: string, options: AnalyzeOptions = {}): Analysis {
  return analyze(graphFromModel(readModel(path)), options);
}
