/**
 * A deployment folder read back for the edge (`cleave run --plan DIR/plan.json`): the plan, the
 * edge config beside it (edge.json), and the checks that tie them together (the config was made
 * from this plan, byte for byte, for the entry it names).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BadProfileError, ioFailure } from '../errors.js';
import { type PlanDocument, type PlanEntry, parsePlan, sha256Hex } from '../qos/plan-file.js';
import { DEPLOY_FILES } from './deploy.js';
import { type DeployEdgeConfig, parseDeployEdgeConfig } from './edge-config.js';

export interface Deployment {
  readonly dir: string;
  readonly plan: PlanDocument;
  readonly entry: PlanEntry;
  readonly config: DeployEdgeConfig;
  /** the head model's file */
  readonly headPath: string;
}

/** The config and plan files are small; a bound keeps a wrong path from reading a large file whole. */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

function readText(path: string, what: string): { text: string; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw ioFailure(`cannot read ${what} ${path}`, e);
  }
  if (bytes.length > MAX_TEXT_BYTES) throw new BadProfileError(`${path} is ${bytes.length} bytes; a ${what} is at most ${MAX_TEXT_BYTES}`);
  return { text: new TextDecoder().decode(bytes), bytes };
}

/** Reads the deployment whose plan.json is at `planPath` (edge.json beside it). */
export function readDeployment(planPath: string): Deployment {
  const dir = dirname(planPath);
  const plan = readText(planPath, 'plan');
  const doc = parsePlan(plan.text, planPath);
  const configPath = join(dir, DEPLOY_FILES.edge);
  const config = parseDeployEdgeConfig(readText(configPath, 'edge config').text, configPath);
  const actual = sha256Hex(plan.bytes);
  if (config.plan.sha256 !== actual) throw new BadProfileError(`${configPath}: field "plan.sha256" is ${config.plan.sha256}, but ${planPath} hashes to ${actual}: the plan changed since it was deployed; run cleave deploy again`);
  const m = /^front\[(\d+)\]$/.exec(config.plan.field);
  const entry = config.plan.field === 'recommended' ? doc.recommended : m ? doc.front[Number(m[1])] : undefined;
  if (!entry || entry.id !== config.plan.entry) throw new BadProfileError(`${configPath}: field "plan.entry" is "${config.plan.entry}", which is not ${config.plan.field} of ${planPath}`);
  return { dir, plan: doc, entry, config, headPath: join(dir, config.cuts[0].head) };
}
