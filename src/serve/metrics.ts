/**
 * Prometheus text-format metrics (exposition format 0.0.4): request counts by model and
 * status, a latency histogram per model, errors by code, requests in flight, request body
 * bytes held and the process's resident memory.
 */

const BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly bytesIn = new Map<string, number>();
  inflight = 0;

  /** `held()`: request body bytes the server holds now (received, not yet answered). */
  constructor(private readonly held: () => number = () => 0) {}

  /** Records one finished inference request. */
  observe(model: string, status: number, seconds: number, bodyBytes: number): void {
    // Label strings are built once per model and status: this runs on every request.
    const rk = this.key(`${model}\u0000${status}`, () => labels({ model, status: String(status) }));
    this.requests.set(rk, (this.requests.get(rk) ?? 0) + 1);
    const mk = this.key(model, () => labels({ model }));
    this.bytesIn.set(mk, (this.bytesIn.get(mk) ?? 0) + bodyBytes);
    let h = this.latency.get(model);
    if (!h) this.latency.set(model, (h = { counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 }));
    // counts has one entry per bucket.
    for (let i = 0; i < BUCKETS_S.length; i++) if (seconds <= BUCKETS_S[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  private readonly keys = new Map<string, string>();
  private key(id: string, make: () => string): string {
    let k = this.keys.get(id);
    if (k === undefined) this.keys.set(id, (k = make()));
    return k;
  }

  error(model: string, code: string): void {
    const k = labels({ model, code });
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP cleave_inference_requests_total Inference requests by model and HTTP status.');
    out.push('# TYPE cleave_inference_requests_total counter');
    for (const [k, v] of [...this.requests].sort()) out.push(`cleave_inference_requests_total${k} ${v}`);
    out.push('# HELP cleave_inference_errors_total Failed inference requests by model and error code.');
    out.push('# TYPE cleave_inference_errors_total counter');
    for (const [k, v] of [...this.errors].sort()) out.push(`cleave_inference_errors_total${k} ${v}`);
    out.push('# HELP cleave_inference_request_bytes_total Request body bytes received by model.');
    out.push('# TYPE cleave_inference_request_bytes_total counter');
    for (const [k, v] of [...this.bytesIn].sort()) out.push(`cleave_inference_request_bytes_total${k} ${v}`);
    out.push('# HELP cleave_inference_duration_seconds Time from request received to response ready.');
    out.push('# TYPE cleave_inference_duration_seconds histogram');
    for (const [model, h] of [...this.latency].sort(([a], [b]) => (a < b ? -1 : 1))) {
      BUCKETS_S.forEach((b, i) => out.push(`cleave_inference_duration_seconds_bucket${labels({ model, le: String(b) })} ${h.counts[i]}`));
      out.push(`cleave_inference_duration_seconds_bucket${labels({ model, le: '+Inf' })} ${h.count}`);
      out.push(`cleave_inference_duration_seconds_sum${labels({ model })} ${h.sum}`);
      out.push(`cleave_inference_duration_seconds_count${labels({ model })} ${h.count}`);
    }
    out.push('# HELP cleave_inflight_requests Inference requests being processed.');
    out.push('# TYPE cleave_inflight_requests gauge');
    out.push(`cleave_inflight_requests ${this.inflight}`);
    out.push('# HELP cleave_request_body_bytes_held Request body bytes received and not yet answered, over all connections.');
    out.push('# TYPE cleave_request_body_bytes_held gauge');
    out.push(`cleave_request_body_bytes_held ${this.held()}`);
    out.push('# HELP process_resident_memory_bytes Resident memory size in bytes.');
    out.push('# TYPE process_resident_memory_bytes gauge');
    out.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    return `${out.join('\n')}\n`;
  }
}
