// abs-send-time header extension (6.18 fixed-point seconds, 24 bits): stamped with our own send
// time on forwarded packets, so the subscriber's browser can estimate our downlink (REMB).

/** Writes the send time `nowMs` into the 3 bytes at `offset`. */
export function writeAbsSendTime(buf: Uint8Array, offset: number, nowMs: number): void {
  const value = Math.floor((nowMs * 262.144) % 16777216); // ms * 2^18 / 1000, modulo 2^24
  buf[offset] = (value >>> 16) & 0xff;
  buf[offset + 1] = (value >>> 8) & 0xff;
  buf[offset + 2] = value & 0xff;
}

/** Re-labels a one-byte-form extension element whose data starts at `dataOffset` with `id`. */
export function relabelOneByteExtension(buf: Uint8Array, dataOffset: number, id: number): void {
  const headerByte = dataOffset - 1;
  buf[headerByte] = ((id & 0x0f) << 4) | (buf[headerByte]! & 0x0f);
}
