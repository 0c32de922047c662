/**
 * `cleave deploy plan.json -o DIR`: exactly the configuration a plan chose, as files a server
 * and an edge device run. Everything is read and checked first (the plan against its schema,
 * the model against the plan's SHA-256, the exits and sparse models against the plan's model,
 * head -> tail against the source model in ONNX Runtime); then DIR is written whole
 * (deploy-dir.ts):
 *
 *   DIR/plan.json                    the plan, byte for byte
 *   DIR/edge.json                    the edge config (edge-config.ts)
 *   DIR/head.onnx, DIR/tail.onnx     what `cleave serve DIR` serves, with the browser page
 *   DIR/cut.json                     the cut and its verification (as `cleave cut` writes it)
 *   DIR/triton/tail/config.pbtxt, DIR/triton/tail/1/model.onnx, DIR/triton/inference-service.yaml
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { CUT_FILES } from '../cut/write.js';
import { BadRequestError, ioFailure } from '../errors.js';
import { backboneModel, exitStructure, hasExits } from '../exits/structure.js';
import { encodeModel } from '../onnx/codec.js';
import { readModel } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import { checkPlanModel, checkRecordedModel, type PlanDocument, type PlanEntry, parsePlan, planEntry, sha256Hex } from '../qos/plan-file.js';
import { type DeployedModels, deployModels, type ModelSource } from './deploy-models.js';
import { checkTarget, writeFiles, writeFolderAtomic } from './deploy-dir.js';
import { deployEdgeConfig } from './deploy-edge-config.js';
import { type DeployEdgeConfig, edgeConfigJson } from './edge-config.js';
import { writeTritonRepository } from './triton.js';

/** The files of a deployment folder. */
export const DEPLOY_FILES = { plan: 'plan.json', edge: 'edge.json', head: CUT_FILES.head, tail: CUT_FILES.tail, cut: CUT_FILES.manifest, triton: 'triton' } as const;

/** The tail's model name on cleave serve (its file stem) and in the Triton repository. */
export const TAIL_MODEL = 'tail';

/** Where `cleave serve` listens by default: the edge config's server until told otherwise. */
export const DEFAULT_SERVER = 'http://127.0.0.1:8000';

export interface DeployOptions {
  /** the deployment folder */
  readonly out: string;
  /** 'recommended' (default) or the index of a front member */
  readonly entry?: string;
  /** the model file, instead of the plan's `model.path` (its hash is checked all the same) */
  readonly model?: string;
  /** the plan's model with its exits added and trained */
  readonly exitsModel?: string;
  /** the trained sparse model of the entry's sparsity variant */
  readonly sparseModel?: string;
  /** the server the edge config names (default DEFAULT_SERVER) */
  readonly server?: string;
  /** replace a folder that is not empty */
  readonly force?: boolean;
  /** where KServe finds the Triton repository (default pvc://models) */
  readonly storageUri?: string;
  readonly rtol?: number;
}

export interface DeployResult {
  readonly dir: string;
  /** the files written, relative to `dir` */
  readonly files: readonly string[];
  readonly field: string;
  readonly entry: PlanEntry;
  readonly config: DeployEdgeConfig;
  readonly models: DeployedModels;
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw ioFailure(`cannot read ${what}`, e);
  }
}

/** A model file a plan names: as given, else relative to the plan's folder when the path is relative. */
function besidePlan(p: string, planPath: string): string {
  if (existsSync(p) || isAbsolute(p)) return p;
  const beside = join(dirname(planPath), p);
  return existsSync(beside) ? beside : p;
}

function source(path: string | undefined, what: string): ModelSource | undefined {
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw ioFailure(`cannot read ${what} ${path}`, { code: 'ENOENT' });
  return { model: readModel(path), path };
}

/**
 * The trained sparse model of the entry's variant: the one given, else the file the plan
 * recorded for the variant (`cleave plan --sparsity FILE.onnx`), checked against its SHA-256.
 */
function sparseSource(doc: PlanDocument, entry: PlanEntry, planPath: string, given: string | undefined): { sparse?: ModelSource } {
  if (given !== undefined) return { sparse: source(given, 'sparse model') };
  const recorded = doc.sweep.sparsity.find((v) => v.label === entry.sparsity)?.model;
  if (!recorded) return {};
  const path = besidePlan(recorded.path, planPath);
  if (!existsSync(path)) throw ioFailure(`${planPath}: variant "${entry.sparsity}" was measured on ${recorded.path}, which cannot be read (give --sparse-model PATH)`, { code: 'ENOENT' });
  const bytes = readFile(path, `sparse model ${path}`);
  const v = doc.sweep.sparsity.findIndex((x) => x.label === entry.sparsity);
  checkRecordedModel(recorded.sha256, bytes, { source: planPath, field: `sweep.sparsity[${v}].model.sha256`, path, what: `sparse model of variant "${entry.sparsity}"`, otherwise: ', or give --sparse-model PATH' });
  return { sparse: { model: readModel(path, bytes), path } };
}

/** Triton batches along a first dim that every input and output leaves open. */
function batchable(model: ModelProto): boolean {
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  return [...model.graph.input.filter((v) => !inits.has(v.name)), ...model.graph.output].every((v) => {
    const d = v.type?.tensorType?.shape?.dim[0];
    return d !== undefined && (Boolean(d.dimParam) || !(Number(d.dimValue ?? 0) > 0));
  });
}

/** Reads and checks a plan and its models, builds the deployment, and writes it into `o.out`. */
export async function deployPlan(planPath: string, o: DeployOptions): Promise<DeployResult> {
  checkTarget(o.out, o.force ?? false);
  const planBytes = readFile(planPath, `plan ${planPath}`);
  const doc = parsePlan(new TextDecoder().decode(planBytes), planPath);
  const { entry, field } = planEntry(doc, o.entry ?? 'recommended', planPath);
  const path = o.model ?? besidePlan(doc.model.path, planPath);
  if (!existsSync(path)) throw ioFailure(`${planPath}: field "model.path" names ${doc.model.path}, which cannot be read (give --model PATH)`, { code: 'ENOENT' });
  const bytes = readFile(path, `model ${path}`);
  checkPlanModel(doc, bytes, planPath);
  if (entry.exits.length === 0 && o.exitsModel !== undefined) throw new BadRequestError(`--exits-model is for an entry with exits; ${field} enables none`);
  if (entry.sparsity === 'dense' && o.sparseModel !== undefined) throw new BadRequestError(`--sparse-model is for an entry with a sparsity variant; ${field} is dense`);
  // A plan made from a model with exits planned its backbone; the exits come from the model itself.
  const given = readModel(path, bytes);
  const withExits = hasExits(given);
  if (withExits && o.exitsModel !== undefined) throw new BadRequestError(`--exits-model: ${path} holds its exits already, and the plan took them from it; drop --exits-model`);
  const exitsSource = withExits ? { model: given, path } : source(o.exitsModel, 'exits model');
  const models = await deployModels({
    plan: doc, entry, field, model: { model: withExits ? backboneModel(given, exitStructure(given, doc.model.outputs[0])) : given, path },
    ...(exitsSource !== undefined && entry.exits.length > 0 ? { exits: exitsSource } : {}),
    ...sparseSource(doc, entry, planPath, o.sparseModel),
    ...(o.rtol !== undefined ? { rtol: o.rtol } : {}),
  });
  const config = deployEdgeConfig({
    plan: doc, entry, field, planFile: DEPLOY_FILES.plan, planSha256: sha256Hex(planBytes), models,
    headFile: DEPLOY_FILES.head, tailModel: TAIL_MODEL, server: o.server ?? DEFAULT_SERVER,
  });
  const tailBytes = encodeModel(models.tail);
  const files: [string, Uint8Array | string][] = [
    [DEPLOY_FILES.plan, planBytes],
    [DEPLOY_FILES.edge, edgeConfigJson(config)],
    [DEPLOY_FILES.head, encodeModel(models.head)],
    [DEPLOY_FILES.tail, tailBytes],
    [DEPLOY_FILES.cut, `${JSON.stringify(models.manifest, null, 2)}\n`],
  ];
  let triton: readonly string[] = [];
  writeFolderAtomic(o.out, [
    writeFiles(files),
    (folder) => {
      const t = writeTritonRepository(join(folder, DEPLOY_FILES.triton), TAIL_MODEL, models.tail, tailBytes, {
        maxBatchSize: batchable(models.tail) ? 8 : 0,
        ...(o.storageUri !== undefined ? { storageUri: o.storageUri } : {}),
      });
      triton = t.files.map((f) => join(DEPLOY_FILES.triton, f));
    },
  ], o.force ?? false);
  return { dir: o.out, files: [...files.map(([f]) => f), ...triton], field, entry, config, models };
}
