import { readFileSync } from 'node:fs';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { getNetworkProfile } from '../../src/net/profiles.js';
import { makePlan } from '../../src/qos/plan.js';
import { type PlanDocument, planDocument } from '../../src/qos/plan-file.js';
import type { Requirements } from '../../src/qos/requirements.js';
import { LENET_PATH, lenetSpec } from './specs.js';

/** A plan.json document for LeNet (predicted accuracy, analytic latencies), as `cleave plan` would write it. */
export function lenetPlanDocument(requirements: Requirements = { maxLatencyMs: 80, minAccuracy: 0.95 }, bestEffort = false): PlanDocument | undefined {
  const spec = lenetSpec({ devices: [getDevice('raspberry-pi-4')], networks: [getNetworkProfile('4g'), getNetworkProfile('lpwan')] });
  const result = makePlan(spec, { requirements, simulateMax: 2, frames: 50 });
  return planDocument(result, {
    modelPath: LENET_PATH,
    modelBytes: new Uint8Array(readFileSync(LENET_PATH)),
    modelName: 'lenet',
    inputs: ['input'],
    outputs: ['logits'],
    server: spec.server,
    devices: spec.devices,
    networks: spec.networks,
    load: { ...spec.load, arrivals: 'periodic' },
    requirements,
    accuracy: { source: 'predicted', base: 0.99 },
    maxTensors: 1,
    codecs: spec.codecs,
    variants: [],
    exitConfigurations: 1,
  }, bestEffort);
}
