/**
 * A request's time, cut at the wire. The delay line records when each packet left the sender's
 * qdisc and when it reached the receiver (shaped-link.ts, WirePacket); the edge client records
 * when it handed the request to node:http and when the reply ended, on the same clock. Between
 * them:
 *
 *   client send    request handed to node:http -> its first packet (SYN or data) leaves tbf
 *   network        that packet -> the request's last byte at the server, and the reply's first
 *                  byte leaving the server's tbf -> its last byte at the edge (rate, RTT, TCP)
 *   server gap     the request's last byte at the server -> the reply's first byte leaving it:
 *                  the server host's share (wake-ups, HTTP, decode, tail, encode)
 *   client receive the reply's last byte at the edge -> node:http's end of the reply
 *
 * The network part is what the analytic model and the simulator describe without the hosts;
 * the host parts are where a loaded machine's CPU waits show up.
 */
import type { WirePacket } from './shaped-link.js';

export interface FrameWindow {
  /** CLOCK_MONOTONIC ns: request handed to node:http, end of the reply */
  readonly requestNs: number;
  readonly replyNs: number;
}

export interface WireSplit {
  readonly clientSendMs: number;
  readonly networkMs: number;
  readonly serverGapMs: number;
  readonly clientReceiveMs: number;
  /** packets of the request (data only) and of the reply seen on the wire */
  readonly requestPackets: number;
  readonly replyPackets: number;
}

/** Cut one frame's window at the wire; undefined when the trace does not hold the frame. */
export function splitAtWire(frame: FrameWindow, packets: readonly WirePacket[]): WireSplit | undefined {
  let firstOut = -1; // first A->B packet of the frame leaving A's qdisc
  let lastReqIn = -1; // last A->B data packet reaching B
  let firstReplyOut = -1; // first B->A data packet leaving B's qdisc
  let lastReplyIn = -1; // last B->A data packet reaching A
  let requestPackets = 0;
  let replyPackets = 0;
  for (const p of packets) {
    if (p.tNs < frame.requestNs || p.tNs > frame.replyNs) continue;
    if (p.dir === 0 && p.ev === 0 && firstOut < 0 && (p.payload > 0 || (p.flags & 0x02) !== 0)) firstOut = p.tNs;
    if (p.payload === 0) continue;
    if (p.dir === 0 && p.ev === 1) {
      lastReqIn = p.tNs;
      requestPackets++;
    }
    if (p.dir === 1 && p.ev === 0 && firstReplyOut < 0) firstReplyOut = p.tNs;
    if (p.dir === 1 && p.ev === 1) {
      lastReplyIn = p.tNs;
      replyPackets++;
    }
  }
  if (firstOut < 0 || lastReqIn < 0 || firstReplyOut < lastReqIn || lastReplyIn < firstReplyOut) return undefined;
  const ms = (ns: number): number => ns / 1e6;
  const serverGap = firstReplyOut - lastReqIn;
  return {
    clientSendMs: ms(firstOut - frame.requestNs),
    networkMs: ms(lastReplyIn - firstOut - serverGap),
    serverGapMs: ms(serverGap),
    clientReceiveMs: ms(frame.replyNs - lastReplyIn),
    requestPackets,
    replyPackets,
  };
}
