import { BadRequestError } from '../errors.js';

/**
 * The degrees of one junction in the pattern of Dey et al.: `inputs` (p) feed `outputs` (n);
 * every input feeds exactly `fo` outputs and every output reads exactly `fi` = p·fo/n inputs,
 * so the junction keeps p·fo of its p·n connections: density fo/n.
 */
export interface Degrees {
  readonly inputs: number;
  readonly outputs: number;
  /** out-degree: outputs each input feeds */
  readonly fo: number;
  /** in-degree: inputs each output reads */
  readonly fi: number;
  /** fo / n, the kept fraction of connections */
  readonly density: number;
}

/** A layer cannot take the asked density exactly; `workable` lists those it can take. */
export class DensityError extends BadRequestError {
  constructor(message: string, readonly node: string, readonly workable: readonly number[]) {
    super(message);
  }
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Densities an exact degree-constrained pattern can have. fi = p·fo/n is an integer iff fo is
 * a multiple of n/gcd(n, p), so with g = gcd(n, p) the densities are k/g for k = 1..g. The
 * structured (grouped) form needs each of G groups to join p/G inputs to n/G outputs whole,
 * so its densities are 1/G for G dividing g. Ascending; 1 (dense) is always there.
 */
export function workableDensities(inputs: number, outputs: number, structured = false): number[] {
  const g = gcd(outputs, inputs);
  const out: number[] = [];
  if (structured) {
    for (let groups = g; groups >= 1; groups--) if (g % groups === 0) out.push(1 / groups);
  } else {
    for (let k = 1; k <= g; k++) out.push(k / g);
  }
  return out;
}

/** Densities as short fractions for messages: "1/4", "3/8", "1". */
export function formatDensity(d: number): string {
  if (d === 1) return '1';
  for (let den = 2; den <= 4096; den++) {
    const num = Math.round(d * den);
    if (Math.abs(num / den - d) < 1e-12) return `${num}/${den}`;
  }
  return d.toPrecision(4);
}

/** The workable densities for a message: all of them when few, else the rule and the two nearest. */
function describeWorkable(workable: readonly number[], asked: number, structured: boolean): string {
  if (workable.length <= 16) return workable.map(formatDensity).join(', ');
  const below = [...workable].reverse().find((d) => d < asked);
  const above = workable.find((d) => d > asked);
  const rule = structured ? '1/G for G dividing gcd(outputs, inputs)' : `k/${workable.length} for k = 1..${workable.length}`;
  return `${rule}; nearest ${[below, above].filter((d): d is number => d !== undefined).map(formatDensity).join(' and ')}`;
}

export interface DegreeRequest {
  /** node name, for messages */
  readonly node: string;
  /** what the inputs are ("input channels", "inputs"), for messages */
  readonly inputsWhat: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly density: number;
  /** refuse instead of taking the nearest workable density */
  readonly exact?: boolean;
  readonly structured?: boolean;
}

/** Degrees chosen for a junction, with the density asked for. */
export interface ChosenDegrees extends Degrees {
  readonly asked: number;
}

/**
 * Degrees for a junction at the asked density: the workable density nearest to it (ties go to
 * the denser, which keeps accuracy), or with `exact` a DensityError naming the layer and the
 * densities that work. Density 1 (dense) is always workable, so a first conv with 1 or 3 input
 * channels falls back to dense when nothing sparser divides.
 */
export function chooseDegrees(req: DegreeRequest): ChosenDegrees {
  const { inputs: p, outputs: n, density: asked } = req;
  if (!(asked > 0 && asked <= 1)) throw new BadRequestError(`layer "${req.node}": density must be in (0, 1], got ${asked}`);
  const workable = workableDensities(p, n, req.structured);
  let best = workable[workable.length - 1]!; // density 1 (k = g, or one group) is always workable: the list is not empty
  // From the densest down, replacing only on a strictly nearer one: a tie keeps the denser.
  for (const d of [...workable].reverse()) if (Math.abs(d - asked) < Math.abs(best - asked) - 1e-12) best = d;
  if (Math.abs(best - asked) > 1e-9 && req.exact) {
    throw new DensityError(
      `layer "${req.node}" (${p} ${req.inputsWhat} -> ${n} outputs) cannot take density ${formatDensity(asked)} exactly${req.structured ? ' as groups' : ''}: `
        + `the workable densities are ${describeWorkable(workable, asked, req.structured ?? false)}; ask for one of them, or leave out exact to take the nearest (${formatDensity(best)})`,
      req.node,
      workable,
    );
  }
  const fo = Math.round(best * n);
  return { inputs: p, outputs: n, fo, fi: (p * fo) / n, density: fo / n, asked };
}
