/**
 * A byte stream's contents, read chunk by chunk and given up (the stream cancelled) as soon as
 * more than `maxBytes` came: a small input must not expand, or a peer stream, into unbounded
 * memory. `tooLarge(bytes)` makes the error, `bytes` being what was read so far. Pure code:
 * Web Streams, as Node 20 and browsers have them.
 */
export async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number, tooLarge: (bytes: number) => Error): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(total);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!; // one chunk
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  return out;
}
