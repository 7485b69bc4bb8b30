/** Test helper: assembles RTP packets byte by byte from fields, extensions and padding. */

export interface ExtensionElement {
  id: number;
  data: number[];
}

export interface RtpFields {
  payloadType?: number;
  marker?: boolean;
  sequenceNumber?: number;
  timestamp?: number;
  ssrc?: number;
  csrcs?: number[];
  /** 'one' = 0xBEDE, 'two' = 0x1000 */
  extForm?: 'one' | 'two';
  extensions?: ExtensionElement[];
  /** Raw extension block (profile + data) for malformed cases; `extWords` overrides the length field. */
  extRaw?: { profile: number; data: number[]; extWords?: number };
  payload?: number[];
  /** Padding bytes appended (count byte included); sets the P bit. */
  padding?: number;
  /** Forces the padding count byte to this value (for malformed cases). */
  paddingCountOverride?: number;
}

function u32(out: number[], v: number): void {
  out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

export function buildRtp(f: RtpFields = {}): Uint8Array {
  const csrcs = f.csrcs ?? [];
  const out: number[] = [];
  let ext: { profile: number; data: number[]; extWords?: number } | undefined = f.extRaw;
  if (!ext && f.extensions) {
    const data: number[] = [];
    for (const e of f.extensions) {
      if (f.extForm === 'two') data.push(e.id, e.data.length, ...e.data);
      else data.push((e.id << 4) | (e.data.length - 1), ...e.data);
    }
    while (data.length % 4 !== 0) data.push(0);
    ext = { profile: f.extForm === 'two' ? 0x1000 : 0xbede, data };
  }
  const padding = f.padding ?? 0;
  out.push(0x80 | (padding > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length);
  out.push((f.marker ? 0x80 : 0) | ((f.payloadType ?? 96) & 0x7f));
  const seq = f.sequenceNumber ?? 1000;
  out.push((seq >> 8) & 0xff, seq & 0xff);
  u32(out, f.timestamp ?? 90000);
  u32(out, f.ssrc ?? 0x11223344);
  for (const c of csrcs) u32(out, c);
  if (ext) {
    const words = ext.extWords ?? Math.ceil(ext.data.length / 4);
    out.push((ext.profile >> 8) & 0xff, ext.profile & 0xff, (words >> 8) & 0xff, words & 0xff, ...ext.data);
  }
  out.push(...(f.payload ?? [1, 2, 3, 4]));
  if (padding > 0) {
    for (let i = 0; i < padding - 1; i++) out.push(0);
    out.push(f.paddingCountOverride ?? padding);
  }
  return Uint8Array.from(out);
}

/** Header length of a packet built by buildRtp (fixed + CSRCs + extension), for truncation loops. */
export function headerLength(f: RtpFields): number {
  const pkt = buildRtp({ ...f, payload: [], padding: 0 });
  return pkt.length;
}
