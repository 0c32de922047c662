/**
 * `cleave plan`: sweep cut x codec x exits x sparsity x device x network, show the Pareto front
 * and the four scenarios, recommend the configuration that meets the requirements with the most
 * margin, and write plan.json. Thin over src/qos: parse, call, print.
 */
import { basename } from 'node:path';
import { parseCodec } from '../compress/codec.js';
import { sliceImages } from '../data/image-dataset.js';
import { BadRequestError, NoFeasiblePlanError } from '../errors.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import { getDevice } from '../profile/device-catalogue.js';
import { parseExitStatistics, parseRanking, parseSparsityVariants } from '../qos/inputs.js';
import { measuredImages, planModel } from '../qos/plan-model.js';
import { planJson, sha256Hex } from '../qos/plan-file.js';
import { checkRequirements, type Requirements } from '../qos/requirements.js';
import { defineCommand } from './command.js';
import { deviceType, networkType, normalisationOptions, threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { policyOption, tausOption } from './exits-options.js';
import { readBytes, readText } from './io.js';
import { flag, option } from './option-table.js';
import { atLeast, between, duration, integer, list, number, oneOf, positive, size, text, type ValueType } from './option-types.js';
import { missLine, planReport } from './plan-print.js';
import { progressBar } from './progress.js';

/** Energy such as 50mJ, 0.2J or 300uJ, as millijoules (a bare number is mJ). */
const energy: ValueType<number> = {
  noun: 'energy',
  accepts: 'an energy such as 50mJ, 0.2J or 300uJ',
  arg: 'ENERGY',
  parse(t) {
    const m = /^\s*(\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(uJ|µJ|mJ|J)?\s*$/i.exec(t);
    if (!m?.[1]) return undefined;
    const unit = (m[2] ?? 'mJ').toLowerCase();
    return Number(m[1]) * (unit === 'j' ? 1000 : unit === 'mj' ? 1 : 1e-3);
  },
  show: (mj) => `${mj}mJ`,
};

const [SWEEP, ACCURACY, LOAD, REQ, OUT] = ['Sweep', 'Accuracy', 'Load (the simulator, and the queues of the analytic model)', 'Requirements', 'Output'];

/** The plan's test images: `range.count` of them (all when undefined) from test image `range.from`. */
function measuredData(name: string, model: ModelProto, range: { readonly from: number; readonly count: number | undefined }) {
  const all = loadImages(name, 'test', model, range.count === undefined ? undefined : range.from + range.count).data;
  return { name, images: sliceImages(all, range.from, range.count ?? all.count), count: range.count, from: range.from };
}

export const planCommand = defineCommand({
  name: 'plan',
  summary: 'sweep cut x codec x exits x sparsity x device x network: Pareto front, four scenarios, the recommended plan.json',
  usage: 'MODEL.onnx --device D[,D2] --network N[,N2] [--data SRC] [requirements] [-o plan.json]',
  description: `Sweeps every cut point (multi-tensor ones with --max-tensors), the remote (all on the server)
and local (all on the edge) placements, every codec, exit configuration (--exits) and sparsity
variant (--sparsity), on every device and network given. Each configuration gets its median and
99th-percentile latency (the analytic model; the front's members are then re-timed by the
discrete-event simulator, with --devices N --fps F devices sharing the uplink and the server),
accuracy (measured through head -> codec -> tail on held-out images with --data, else predicted
from I-SPLIT's order and labelled so), edge memory, energy per inference on the edge, and bytes
sent per inference. Prints the Pareto front, Split-Et-Impera's four scenarios (local, remote,
split, early exit) side by side, and the recommendation: the feasible configuration with the
largest margin, the least normalised slack over the requirements (docs/planning.md). When none
meets the requirements, the nearest misses are listed and the exit code is 9.

A MODEL with exits (cleave exits add/train/calibrate) is planned on its backbone, and with --data
its exits are measured on the same images (every subset of exits with every --taus threshold):
no --exits file is needed, and cleave deploy takes the exits from MODEL.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    device: option(list(deviceType, 'devices'), { group: SWEEP, required: true, repeat: true, arg: 'D[,D2]', help: 'edge devices: catalogue names (raspberry-pi-4, jetson-nano, snapdragon-865, ...) or profile JSON files' }),
    network: option(list(networkType, 'networks'), { group: SWEEP, required: true, repeat: true, arg: 'N[,N2]', help: 'networks: ethernet, wifi, 4g, 5g, lpwan, or profile JSON files' }),
    server: option(deviceType, { group: SWEEP, default: getDevice('xeon-server'), help: 'the server that runs the tail' }),
    codec: option(list(text, 'codecs'), { group: SWEEP, arg: 'C1,C2', help: 'codecs to try (default: fp32, fp16, int8, int8-channel, each plain and +deflate)' }),
    'max-tensors': option(integer, { group: SWEEP, default: 1, check: between(1, 8), help: 'also sweep cuts where up to N tensors cross' }),
    exits: option(text, { group: SWEEP, arg: 'FILE', help: 'exit statistics JSON (branches, thresholds, per-sample confidences; docs/planning.md); not needed when MODEL has exits and --data is given' }),
    taus: { ...tausOption, group: SWEEP, help: `when MODEL has exits: the thresholds swept on each, ${tausOption.help}` },
    policy: { ...policyOption, group: SWEEP, help: `when MODEL has exits: ${policyOption.help}` },
    sparsity: option(list(text, 'files'), { group: SWEEP, repeat: true, arg: 'FILE[,FILE2]', help: 'sparsity variants: sparse models (.onnx, made by cleave sparsify from MODEL and trained; with --data their accuracy is measured) or a variants JSON (density, structured, accuracy change; docs/planning.md)' }),
    data: option(text, { group: ACCURACY, arg: 'SRC', help: 'measure accuracy on held-out images: mnist | fashion-mnist (test split) | DIR of class subfolders' }),
    images: option(integer, { group: ACCURACY, default: 1000, check: positive, help: 'images to measure on' }),
    rank: option(text, { group: ACCURACY, arg: 'FILE', help: 'without --data: the I-SPLIT ranking (`cleave rank --json`) that orders predicted accuracy' }),
    'base-accuracy': option(number, { group: ACCURACY, check: between(0, 1), help: "without --data: the uncut model's accuracy (default 1: predicted figures relative to it)" }),
    mean: { ...normalisationOptions.mean, group: ACCURACY },
    std: { ...normalisationOptions.std, group: ACCURACY },
    threads: { ...threadsOption, group: ACCURACY },
    devices: option(integer, { group: LOAD, default: 1, check: positive, help: 'edge devices sharing the uplink and the server' }),
    fps: option(number, { group: LOAD, check: positive, arg: 'F', help: 'frames per second per device (default: frames far apart, no queueing)' }),
    workers: option(integer, { group: LOAD, default: 1, check: positive, arg: 'K', help: 'server workers' }),
    connection: option(oneOf('new', 'kept-alive', 'warm'), { group: LOAD, default: 'kept-alive', arg: 'C', help: 'TCP connection per frame in the analytic model: new, kept-alive (the simulator keeps each device connected) or warm' }),
    arrivals: option(oneOf('periodic', 'poisson'), { group: LOAD, default: 'periodic', arg: 'KIND', help: 'frame arrivals in the simulator' }),
    frames: option(integer, { group: LOAD, default: 400, check: atLeast(10), help: 'uploaded frames per simulation' }),
    'simulate-max': option(integer, { group: LOAD, default: 100, check: atLeast(0), help: 'front members to simulate, best margin first (the rest keep analytic latencies)' }),
    seed: option(integer, { group: LOAD, default: 1, check: positive, help: "the simulator's seed" }),
    'max-latency': option(duration, { group: REQ, check: positive, help: 'bound on the median latency (the 99th percentile with --p99)' }),
    p99: flag('--max-latency bounds the 99th percentile', { group: REQ }),
    'min-accuracy': option(number, { group: REQ, check: between(0, 1), help: 'least top-1 accuracy, a fraction' }),
    'max-edge-memory': option(size, { group: REQ, check: positive, help: 'bound on head weights + peak activations on the edge' }),
    'max-energy': option(energy, { group: REQ, check: positive, help: 'bound on energy per inference on the edge' }),
    'max-bytes': option(size, { group: REQ, check: positive, help: 'bound on bytes sent per inference' }),
    out: option(text, { group: OUT, short: 'o', arg: 'FILE', help: 'write plan.json (atomically)' }),
    'best-effort': flag('when no configuration meets the requirements, still write the nearest as the plan', { group: OUT }),
    misses: option(integer, { group: OUT, default: 3, check: atLeast(0), help: 'nearest misses to list' }),
    top: option(integer, { group: OUT, default: 15, check: atLeast(0), help: 'front rows to print' }),
  },
  json: 'print plan.json on stdout',
  notes: `Exit codes: 0 a plan was made; 9 no configuration meets the requirements (nothing written
without --best-effort, the nearest written with it); 2 bad flags or input files; 8 unknown
device or network.`,
  examples: [
    'cleave plan models/lenet-mnist.onnx --device raspberry-pi-4,jetson-nano --network 4g,wifi --data mnist --max-latency 30ms --min-accuracy 0.98 -o plan.json',
    'cleave plan model.onnx --device raspberry-pi-4 --network 4g --devices 20 --fps 5 --max-latency 100ms --p99 --json',
  ],
  async run({ values: v, positionals: [path] }, io) {
    const requirements: Requirements = {
      maxLatencyMs: v['max-latency'],
      latencyPercentile: v.p99 ? 'p99' : 'p50',
      minAccuracy: v['min-accuracy'],
      maxEdgeMemoryBytes: v['max-edge-memory'],
      maxEnergyMj: v['max-energy'],
      maxBytes: v['max-bytes'],
    };
    if (v.p99 && v['max-latency'] === undefined) throw new BadRequestError('--p99 says which latency --max-latency bounds: give --max-latency too');
    if (v.data !== undefined && (v.rank !== undefined || v['base-accuracy'] !== undefined)) throw new BadRequestError('--rank and --base-accuracy are for predicted accuracy; with --data it is measured');
    checkRequirements(requirements);
    const modelBytes = readBytes(path, `model ${path}`);
    const model = readClassifier(path, modelBytes);
    const files = v.sparsity ?? [];
    const exitStatistics = v.exits === undefined ? undefined : { ...parseExitStatistics(readText(v.exits, `exit statistics ${v.exits}`), v.exits), source: v.exits };
    const range = v.data === undefined ? undefined : measuredImages(v.data, v.images, exitStatistics?.provenance, { mean: v.mean, std: v.std });
    const bar = progressBar('accuracy [{bar}] {value}/{total} cuts', v.json || v.data === undefined);
    const { result, doc, planned } = await planModel({
      model, modelPath: path, modelBytes,
      devices: v.device, networks: v.network, server: v.server,
      load: { devices: v.devices, fps: v.fps ?? 0, workers: v.workers, connection: v.connection, arrivals: v.arrivals },
      requirements, simulateMax: v['simulate-max'], frames: v.frames, seed: v.seed, misses: v.misses, bestEffort: v['best-effort'],
      codecs: (v.codec ?? []).map(parseCodec), maxTensors: v['max-tensors'],
      ...(exitStatistics ? { exitStatistics } : {}),
      ...(v.taus !== undefined ? { taus: v.taus } : {}), exitPolicy: v.policy,
      variants: files.filter((f) => !f.endsWith('.onnx')).flatMap((f) => parseSparsityVariants(readText(f, `sparsity variants ${f}`), f)),
      sparseModels: files.filter((f) => f.endsWith('.onnx')).map((f) => {
        const bytes = readBytes(f, `sparse model ${f}`);
        return { label: basename(f, '.onnx'), model: readClassifier(f, bytes), source: f, sha256: sha256Hex(bytes) };
      }),
      ...(v.data !== undefined && range ? { data: measuredData(v.data, model, range) } : {}),
      normalisation: { mean: v.mean, std: v.std }, threads: v.threads, onProgress: (d, t) => bar.update(d, t),
      ...(v.rank !== undefined ? { saliency: { scores: parseRanking(readText(v.rank, `ranking ${v.rank}`), v.rank), source: v.rank } } : {}),
      ...(v['base-accuracy'] !== undefined ? { baseAccuracy: v['base-accuracy'] } : {}),
    });
    bar.stop();
    if (planned.exits && v.data === undefined && !v.json) io.stderr(`note: ${path} has exits; give --data to measure them and sweep them too\n`);
    if (!doc) {
      const nearest = result.misses.map((m) => `  ${missLine(m)}`).join('\n');
      throw new NoFeasiblePlanError(`no configuration of the ${result.sweep.count} swept meets the requirements${nearest ? `; nearest:\n${nearest}\n` : ' '}relax a requirement, or pass --best-effort to write the nearest plan anyway`);
    }
    if (v.out !== undefined) writeFileAtomic(v.out, new TextEncoder().encode(planJson(doc)));
    if (v.json) io.stdout(planJson(doc));
    else {
      io.stdout(planReport(doc, result, { top: v.top, model: path }));
      if (v.out !== undefined) io.stdout(`wrote ${v.out}\n`);
    }
    if (doc.feasible) return EXIT.OK;
    // --best-effort: the plan is out, and the exit code still says it misses its requirements.
    io.stderr(`cleave plan: no configuration meets the requirements; the plan holds the nearest (--best-effort)\n`);
    return EXIT.NO_FEASIBLE_PLAN;
  },
});
