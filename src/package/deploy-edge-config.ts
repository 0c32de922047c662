/**
 * The edge config of a deployed plan entry (edge-config.ts describes the format).
 *
 * Exit probabilities: the plan gives the fraction of inferences the enabled exits answer
 * together, 1 - R (R = breakdown.uploadFraction). With one exit that is its probability; with
 * m exits the plan does not say how they share it, so each gets the same conditional
 * probability 1 - R^(1/m), which keeps the upload fraction (the product of the 1 - p) as
 * planned. The figures only weigh candidate cuts against each other when the edge re-plans.
 */
import { InternalError } from '../errors.js';
import { rooflineTime } from '../exits/exit-layers.js';
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import type { DeployedModels } from './deploy-models.js';
import { type DeployEdgeConfig, type EdgeConfigExit, INPUT_CUT } from './edge-config.js';
import { EDGE_CONFIG_FORMAT, EDGE_CONFIG_VERSION } from './edge-config-schema.js';
import { layerChain } from './edge-layers.js';

export interface EdgeConfigSource {
  readonly plan: PlanDocument;
  readonly entry: PlanEntry;
  readonly field: string;
  /** the plan file's name in the folder and its SHA-256 */
  readonly planFile: string;
  readonly planSha256: string;
  readonly models: DeployedModels;
  readonly headFile: string;
  readonly tailModel: string;
  readonly server: string;
}

export function deployEdgeConfig(s: EdgeConfigSource): DeployEdgeConfig {
  const { plan, entry, models } = s;
  const device = plan.devices[entry.device];
  const network = plan.networks[entry.network];
  // parsePlan has checked that every entry names a described device and (split, remote) network.
  if (!device || !network) throw new InternalError(`the plan describes no device "${entry.device}" or network "${entry.network}"`);
  const b = entry.breakdown;
  const payloadBytes = b.payloadBytes ?? 0;
  const uploadFraction = b.uploadFraction ?? 1;
  const remote = entry.placement === 'remote';
  const cut = entry.cut[0]!; // parsePlan checks every entry has a cut tensor
  const layers = layerChain({
    analysis: models.analysis,
    boundaries: remote ? [] : [...models.exits.map((e) => e.after), cut],
    mainOutput: models.tailOutput,
    device,
    server: plan.server,
    outputBytes: (t) => (t === cut ? payloadBytes : models.analysis.tensors.find((r) => r.name === t)?.bytes ?? 0),
  });
  const m = models.exits.length;
  const exitProbability = m === 1 ? 1 - uploadFraction : 1 - uploadFraction ** (1 / Math.max(1, m));
  const edge = rooflineTime(device);
  const exits = models.exits.map((e): EdgeConfigExit => {
    const nodes = new Set(models.exitNodes[e.output] ?? []);
    const edgeMs = models.analysis.nodes.filter((n) => nodes.has(n.name)).reduce((sum, n) => sum + edge(n), 0);
    return { output: e.output, after: e.after, edgeMs, exitProbability, threshold: e.threshold, temperature: e.temperature };
  });
  const after = remote ? INPUT_CUT : cut;
  const o = entry.objectives;
  return {
    format: EDGE_CONFIG_FORMAT,
    version: EDGE_CONFIG_VERSION,
    plan: { file: s.planFile, sha256: s.planSha256, entry: entry.id, field: s.field },
    server: s.server,
    codec: entry.codec,
    placement: remote ? 'remote' : 'split',
    device: entry.device,
    network: entry.network,
    inputBytes: remote ? payloadBytes : models.analysis.totals.inputBytes,
    uplinkMbps: network.uplinkBps / 1e6,
    rttMs: network.rttMs,
    layers,
    policy: models.policy,
    exits,
    cuts: [{ after, head: s.headFile, model: s.tailModel, cutOutput: models.cutOutput, tailInput: models.tailInput, tailOutput: models.tailOutput }],
    switching: { initialCut: after },
    predicted: {
      latencyMs: o.latencyMs,
      p99Ms: o.p99Ms,
      latencySource: entry.latencySource,
      accuracy: o.accuracy ?? 0,
      accuracySource: o.accuracySource,
      bytes: o.bytes ?? 0,
      payloadBytes,
      uploadFraction,
      edgeMemoryBytes: o.edgeMemoryBytes ?? 0,
      energyMj: o.energyMj ?? 0,
    },
  };
}
