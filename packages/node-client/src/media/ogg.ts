// Ogg pages (RFC 3533) → Opus packets (RFC 7845): the header packets OpusHead and OpusTags are skipped.

export function parseOggOpus(data: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let o = 0;
  while (o + 27 <= data.length) {
    if (data.toString('latin1', o, o + 4) !== 'OggS') throw new Error(`bad Ogg page at ${o}`);
    const segments = data[o + 26]!;
    const table = data.subarray(o + 27, o + 27 + segments);
    let body = o + 27 + segments;
    for (const lacing of table) {
      partial.push(data.subarray(body, body + lacing));
      body += lacing;
      if (lacing < 255) {
        const packet = Buffer.concat(partial);
        partial = [];
        const magic = packet.toString('latin1', 0, 8);
        if (magic !== 'OpusHead' && magic !== 'OpusTags') packets.push(packet);
      }
    }
    o = body;
  }
  return packets;
}
