/**
 * The error function: Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7), with the Maclaurin
 * series near 0 where that fit's relative error is largest. Good to float32 resolution, which
 * is all constant folding needs.
 */
export function erfApprox(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 0.5) {
    // Maclaurin series: 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); converges fast here.
    let term = a;
    let sumv = a;
    for (let n = 1; n < 12; n++) {
      term *= (-a * a) / n;
      sumv += term / (2 * n + 1);
    }
    return (s * 2 * sumv) / Math.sqrt(Math.PI);
  }
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
