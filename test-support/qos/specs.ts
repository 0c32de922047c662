import { fileURLToPath } from 'node:url';
import { type Analysis, analyze } from '../../src/analysis/analyze.js';
import type { CodecSpec } from '../../src/compress/codec.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { getNetworkProfile } from '../../src/net/profiles.js';
import { readClassifier } from '../../src/interpret/isplit-data.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { type CutAccuracy, predictAccuracy } from '../../src/qos/accuracy.js';
import { cutCandidates } from '../../src/qos/candidates.js';
import { type ExitOption, NO_EXITS } from '../../src/qos/exit-option.js';
import { DENSE, type SparsityVariant } from '../../src/qos/sparsity-variant.js';
import type { Load, SweepSpec } from '../../src/qos/tables.js';

/** The LeNet cleave trains on MNIST and ships in models/ (models/make-models.sh). */
export const LENET_PATH = fileURLToPath(new URL('../../../models/lenet-mnist.onnx', import.meta.url));

export function lenet(): { model: ModelProto; analysis: Analysis } {
  const model = readClassifier(LENET_PATH);
  return { model, analysis: analyze(graphFromModel(model), { batch: 1 }) };
}

/** A sweep spec over LeNet; every field can be replaced. */
export function lenetSpec(over: Partial<Omit<SweepSpec, 'analysis' | 'cuts'>> & { codecs?: readonly CodecSpec[]; accuracy?: CutAccuracy; load?: Load; exits?: readonly ExitOption[]; variants?: readonly SparsityVariant[] } = {}): SweepSpec {
  const { analysis } = lenet();
  const cuts = cutCandidates(analysis);
  const codecs = over.codecs ?? [{ name: 'fp32' }, { name: 'int8' }, { name: 'fp16', deflate: true }];
  return {
    analysis,
    cuts,
    codecs,
    exits: over.exits ?? [NO_EXITS],
    variants: over.variants ?? [DENSE],
    devices: over.devices ?? [getDevice('raspberry-pi-4'), getDevice('jetson-nano')],
    networks: over.networks ?? [getNetworkProfile('4g'), getNetworkProfile('wifi')],
    server: over.server ?? getDevice('xeon-server'),
    load: over.load ?? { devices: 1, fps: 0, workers: 1, connection: 'kept-alive' },
    accuracy: over.accuracy ?? predictAccuracy(cuts, codecs, 0.99),
  };
}
