import { InternalError, UnsupportedOpError } from '../errors.js';
import { NN_OPS } from './nn-ops.js';
import type { OpDef } from './op.js';
import { TENSOR_OPS } from './tensor-ops.js';

/** Every op rule cleave has, explicitly listed (no registration by side effect). */
export const ALL_OPS: readonly OpDef[] = [...NN_OPS, ...TENSOR_OPS];

function key(domain: string | undefined, opType: string): string {
  return `${domain === 'ai.onnx' ? '' : domain ?? ''}:${opType}`;
}

/** Definitions by op, each list sorted by sinceVersion ascending. */
const BY_KEY: ReadonlyMap<string, readonly OpDef[]> = (() => {
  const m = new Map<string, OpDef[]>();
  for (const def of ALL_OPS) {
    const k = key(def.domain, def.opType);
    const list = m.get(k) ?? [];
    if (list.some((d) => d.sinceVersion === def.sinceVersion)) {
      throw new InternalError(`op registry: ${def.opType} since opset ${def.sinceVersion} is registered twice`);
    }
    list.push(def);
    list.sort((a, b) => a.sinceVersion - b.sinceVersion);
    m.set(k, list);
  }
  return m;
})();

/**
 * The rule for an op at an opset (the newest definition not above it), or undefined: also below
 * the op's first definition, whose semantics cleave does not know.
 */
export function findOp(domain: string, opType: string, opset: number): OpDef | undefined {
  let found: OpDef | undefined;
  for (const d of BY_KEY.get(key(domain, opType)) ?? []) if (d.sinceVersion <= opset) found = d;
  return found;
}

/** Like findOp, but throws UnsupportedOpError naming op, node and opset (and the first opset cleave knows) on a miss. */
export function getOp(domain: string, opType: string, opset: number, nodeName: string): OpDef {
  const def = findOp(domain, opType, opset);
  if (def) return def;
  const first = firstOpset(domain, opType);
  throw new UnsupportedOpError(domain && domain !== 'ai.onnx' ? `${domain}.${opType}` : opType, nodeName, opset, first === undefined ? 'rule' : `rule before opset ${first}`);
}

/** The first opset cleave has a rule for an op at, or undefined for an op it has no rule for. */
export function firstOpset(domain: string, opType: string): number | undefined {
  return BY_KEY.get(key(domain, opType))?.[0]?.sinceVersion;
}

/** Op types cleave has rules for, sorted. */
export function supportedOps(): string[] {
  return [...new Set(ALL_OPS.map((d) => d.opType))].sort();
}
