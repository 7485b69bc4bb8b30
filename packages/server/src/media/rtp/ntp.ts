/** NTP timestamps for sender reports and round-trip time from report blocks (RFC 3550 6.4.1), allocation-free. */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_OFFSET_S = 2208988800;

/** Most significant word of the NTP timestamp of `unixMs` (whole seconds since 1900, mod 2^32). */
export function ntpSeconds(unixMs: number): number {
  return (Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET_S) >>> 0;
}

/** Least significant word of the NTP timestamp of `unixMs` (fraction of a second in 2^-32 units). */
export function ntpFraction(unixMs: number): number {
  const seconds = Math.floor(unixMs / 1000);
  return Math.floor(((unixMs - seconds * 1000) / 1000) * 0x100000000) >>> 0;
}

/** The middle 32 bits of the NTP timestamp (what LSR carries), in 1/65536 s. */
export function ntpMiddle32(unixMs: number): number {
  return (((ntpSeconds(unixMs) & 0xffff) << 16) | (ntpFraction(unixMs) >>> 16)) >>> 0;
}

/**
 * Round-trip time (ms) from a report block that names our sender report: arrival - LSR - DLSR,
 * all in 1/65536 s. -1 when the block names no SR (LSR 0) or the result is not plausible (negative
 * after clock wrap, or above a minute: a stale or forged block).
 */
export function rttFromReport(arrivalUnixMs: number, lsr: number, dlsr: number): number {
  if (lsr === 0) return -1;
  const units = (ntpMiddle32(arrivalUnixMs) - lsr - dlsr) >>> 0;
  if (units > 60 * 65536) return -1;
  return (units * 1000) / 65536;
}
