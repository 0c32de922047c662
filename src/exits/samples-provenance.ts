/**
 * Where per-sample exit statistics came from: which images, in which order, prepared how. A
 * plan counts an image where an exit configuration answers it (exit or tail) only when the
 * statistics are of the very images it measures the (cut, codec) on, in the same order; equal
 * sample counts alone do not say that. So the statistics carry their provenance, and a plan
 * labels such figures `measured` only when it matches (samplesMismatch), `predicted` otherwise.
 *
 * ```json
 * { "data": "mnist", "split": "test", "from": 5000, "count": 200 }
 * ```
 * `from` is the index of the first image in the split and `count` how many follow it, in the
 * loader's order; `normalisation` (mean and std per channel) is there when the pixels were
 * normalised before the model saw them, absent for pixels in [0, 1] as the edge client sends.
 */
import { BadFieldError, join, readArray, readNumber, readObject, readString } from './fields.js';

export interface SamplesProvenance {
  /** the data source as given to the command: mnist, fashion-mnist or a folder */
  readonly data: string;
  /** the split the images were taken from (cleave measures on "test") */
  readonly split: string;
  /** index of the first image in the split */
  readonly from: number;
  /** how many images, consecutive from `from` */
  readonly count: number;
  readonly normalisation?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** At most this many channels in a normalisation. */
const MAX_CHANNELS = 64;

/** Checks a provenance object; errors name the field (under `field`). */
export function readSamplesProvenance(value: unknown, field: string): SamplesProvenance {
  const o = readObject(value, field, ['data', 'split', 'from', 'count'], ['normalisation']);
  const integer = (v: unknown, f: string, min: number): number => {
    const x = readNumber(v, f, { min });
    if (!Number.isInteger(x)) throw new BadFieldError(f, `must be an integer, got ${x}`);
    return x;
  };
  const base = {
    data: readString(o.data, join(field, 'data')),
    split: readString(o.split, join(field, 'split')),
    from: integer(o.from, join(field, 'from'), 0),
    count: integer(o.count, join(field, 'count'), 1),
  };
  if (o.normalisation === undefined) return base;
  const nf = join(field, 'normalisation');
  const n = readObject(o.normalisation, nf, ['mean', 'std']);
  const numbers = (v: unknown, f: string) => readArray(v, f, MAX_CHANNELS).map((x, i) => readNumber(x, `${f}[${i}]`));
  return { ...base, normalisation: { mean: numbers(n.mean, join(nf, 'mean')), std: numbers(n.std, join(nf, 'std')) } };
}

/** The provenance with an empty normalisation dropped (no mean and no std: raw pixels). */
function plain(p: SamplesProvenance): SamplesProvenance {
  const n = p.normalisation;
  if (!n || n.mean.length || n.std.length) return p;
  const { normalisation: _, ...rest } = p;
  return rest;
}

/** "mnist test images [0, 100)", with the normalisation when there is one. */
export function describeProvenance(p: SamplesProvenance): string {
  const n = plain(p).normalisation;
  return `${p.data} ${p.split} images [${p.from}, ${p.from + p.count})${n ? ` normalised with mean ${n.mean.join(',')} std ${n.std.join(',')}` : ''}`;
}

/**
 * Why statistics of `samples` are not per-image figures for the images `measured` (undefined
 * when they are the same images in the same order, prepared the same way).
 */
export function samplesMismatch(samples: SamplesProvenance | undefined, measured: SamplesProvenance): string | undefined {
  if (!samples) return `the exit statistics do not say which images they come from (no "provenance" field; re-make them with \`cleave exits evaluate --samples\`)`;
  const a = plain(samples);
  const b = plain(measured);
  const same = a.data === b.data && a.split === b.split && a.from === b.from && a.count === b.count
    && JSON.stringify(a.normalisation ?? null) === JSON.stringify(b.normalisation ?? null);
  return same ? undefined : `the exit statistics are of ${describeProvenance(a)}, the plan measures ${describeProvenance(b)}`;
}
