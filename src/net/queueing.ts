/**
 * Waiting time in a server queue, closed forms. lambda = arrival rate, mu = service rate of one
 * worker (both per second), k workers; all return the mean wait before service, seconds, and
 * Infinity when the queue is unstable (rho >= 1).
 */

export type QueueModel = 'M/M/1' | 'M/D/1' | 'M/M/k';

/** M/M/1: Wq = rho / (mu - lambda). */
export function waitMM1(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return rho >= 1 ? Infinity : rho / (mu - lambda);
}

/** M/D/1 (Pollaczek-Khinchine with zero service variance): Wq = rho / (2 mu (1 - rho)). */
export function waitMD1(lambda: number, mu: number): number {
  const rho = lambda / mu;
  return rho >= 1 ? Infinity : rho / (2 * mu * (1 - rho));
}

/** Erlang C: probability that an arrival waits in M/M/k. */
export function erlangC(lambda: number, mu: number, k: number): number {
  const a = lambda / mu;
  const rho = a / k;
  if (rho >= 1) return 1;
  // sum_{i<k} a^i / i!, computed by recurrence to stay finite for large k.
  let term = 1;
  let sum = 1;
  for (let i = 1; i < k; i++) {
    term *= a / i;
    sum += term;
  }
  const last = (term * a) / k / (1 - rho);
  return last / (sum + last);
}

/** M/M/k: Wq = C(k, a) / (k mu - lambda). */
export function waitMMk(lambda: number, mu: number, k: number): number {
  if (lambda / (k * mu) >= 1) return Infinity;
  return erlangC(lambda, mu, k) / (k * mu - lambda);
}

/**
 * Mean wait for k workers with deterministic service (M/D/k): the M/M/k wait halved, the usual
 * approximation (exact for k = 1).
 */
export function waitMDk(lambda: number, mu: number, k: number): number {
  return k === 1 ? waitMD1(lambda, mu) : waitMMk(lambda, mu, k) / 2;
}
