/** Packets as the simulator moves them: a fixed shape, recycled through a pool. */

export const enum PacketKind {
  Syn = 0,
  SynAck = 1,
  Data = 2,
  Ack = 3,
  Reply = 4,
  Datagram = 5,
}

/** Where a link hands a packet it has carried (or tells that it lost one). */
export interface PacketSink {
  receive(packet: Packet, now: number): void;
  /** Called instead of `receive` when the packet was dropped (queue full or random loss). */
  dropped(packet: Packet, now: number): void;
  /** The packet has left the link's transmitter (the sender's transmit completion). */
  departed?(packet: Packet, now: number): void;
}

export class Packet {
  kind: PacketKind = PacketKind.Data;
  /** Bytes on the wire (IP packet length plus any link overhead). */
  bytes = 0;
  /** Segment (TCP) or fragment (UDP) number. */
  seq = 0;
  /** Cumulative acknowledgement: next expected segment (ACKs). */
  ack = 0;
  /** Segment this ACK reports as received (a one-block SACK); -1 if none. */
  sack = -1;
  /** Further SACK blocks (earlier out-of-order segments); -1 if none. */
  sack2 = -1;
  sack3 = -1;
  /** Send time of the segment being acknowledged (TCP timestamp echo), seconds. */
  echo = 0;
  /** Application message (frame) this packet belongs to. */
  message = 0;
  /** Time the packet entered the network, seconds. */
  sentAt = 0;
  sink: PacketSink | undefined = undefined;
}

/** Free list of packets, so a long run does not allocate one object per packet. */
export class PacketPool {
  private free: Packet[] = [];

  take(kind: PacketKind, bytes: number, sink: PacketSink): Packet {
    const p = this.free.pop() ?? new Packet();
    p.kind = kind;
    p.bytes = bytes;
    p.seq = 0;
    p.ack = 0;
    p.sack = -1;
    p.sack2 = -1;
    p.sack3 = -1;
    p.echo = 0;
    p.message = 0;
    p.sentAt = 0;
    p.sink = sink;
    return p;
  }

  give(p: Packet): void {
    p.sink = undefined;
    this.free.push(p);
  }
}
