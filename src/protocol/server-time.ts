/**
 * The server's own time on a request, reported in the reply so the edge client can tell the
 * time its bytes spent on the wire from the time the server spent computing (it measures the
 * uplink from its own requests). Opt-in: a request with `parameters: { cleave_timing: true }`
 * gets `parameters: { cleave_server_ms: X }` in its reply, X the milliseconds from the whole
 * request received to the answer computed (decoding, queueing, the model); other requests get
 * byte-identical replies as before. A server that ignores the request parameter (Triton)
 * simply reports nothing, and the client then counts the whole time as the wire's.
 */
import type { Parameters } from './v2-wire.js';

/** The request parameter asking for the server's time. */
export const TIMING_REQUEST_PARAMETER = 'cleave_timing';

/** The reply parameter holding it, ms. */
export const SERVER_MS_PARAMETER = 'cleave_server_ms';

/** Does a request ask for the server's time? */
export function wantsServerTime(parameters: Parameters | undefined): boolean {
  return parameters?.[TIMING_REQUEST_PARAMETER] === true;
}

/** The server's time in a reply's parameters, or 0 when it gave none (or nonsense). */
export function serverMsOf(parameters: Parameters | undefined): number {
  const v = parameters?.[SERVER_MS_PARAMETER];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
