// Property-based fuzz targets (fast-check) for everything in media that reads bytes or text a peer
// controls: RTP (parse, header extensions, the whole forward/rewrite path), RTCP (compound, SR/RR,
// NACK, PLI/FIR, REMB, transport-cc), the VP8 payload descriptor, the datagrams between workers
// (PipeHub: the only UDP input our own code parses; STUN, DTLS and SRTP are libdatachannel's) and
// the SDP surgery. Used by mediaFuzz.test.ts (bounded, fixed seeds, in `npm test`) and by
// scripts/fuzz.mjs (`npm run fuzz`: the same properties for longer). Test-only code.
import fc from 'fast-check';
import {
  RtpView, findHeaderExtension, headerExtensionLength, isRtcpPacket, parseRtp, readAudioLevel, readRid,
  writePayloadType, writeSequenceNumber, writeSsrc, writeTimestamp,
} from '../rtp/rtpPacket.js';
import { Vp8View, parseVp8, writeVp8PictureId, writeVp8Tl0PicIdx } from '../rtp/vp8.js';
import { ReportBlock, parseRtcp, writeNack, writePli, writeReceiverReport, writeRemb, writeSenderReport, type RtcpHandler } from '../rtp/rtcp.js';
import { FeedbackResult, MAX_TRANSPORT_CC_STATUSES, TransportCcWriter, parseTransportCcFeedback } from '../rtp/transportCc.js';
import { buildRtp } from '../rtp/testPackets.js';
import { TransportCcEstimator } from '../TransportCcEstimator.js';
import { Producer } from '../Producer.js';
import { Consumer } from '../Consumer.js';
import { SubscriberSlot } from '../SubscriberSlot.js';
import { PipeHub } from '../pipe/PipeHub.js';
import { mediaCounters } from '../mediaCounters.js';
import { fixSimulcastAnswer, trimPublishOffer, withAnnouncedCandidate } from '../sdp.js';

export interface FuzzTarget {
  name: string;
  // Each target's own argument tuple; the runners only hand it to fc.assert / fc.check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  property: fc.IProperty<any>;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`property violated: ${message}`);
}

const byte = fc.integer({ min: 0, max: 255 });

/** A base input with a few bytes overwritten and maybe truncated: near-valid packets reach deep. */
function mutated(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), byte), { maxLength: 4 }), fc.option(fc.nat(), { freq: 4 }))
    .map(([bytes, edits, cut]) => {
      const out = Uint8Array.from(bytes);
      for (const [pos, value] of edits) if (out.length > 0) out[pos % out.length] = value;
      return cut === null || out.length === 0 ? out : out.subarray(0, cut % (out.length + 1));
    });
}

const randomBytes = (maxLength: number) => fc.uint8Array({ maxLength, size: 'max' });

// ---------------------------------------------------------------- RTP

const vp8Descriptor = fc
  .record({ x: fc.boolean(), s: fc.boolean(), pid: fc.constantFrom(0, 0, 0, 1, 7), i: fc.boolean(), m: fc.boolean(), l: fc.boolean(), t: fc.boolean(), k: fc.boolean(), pictureId: fc.integer({ min: 0, max: 0x7fff }), tl0: byte, tid: byte, keyframe: fc.boolean() })
  .map((d) => {
    const out = [(d.x ? 0x80 : 0) | (d.s ? 0x10 : 0) | d.pid];
    if (d.x) {
      out.push((d.i ? 0x80 : 0) | (d.l ? 0x40 : 0) | (d.t ? 0x20 : 0) | (d.k ? 0x10 : 0));
      if (d.i) out.push(...(d.m ? [0x80 | (d.pictureId >> 8), d.pictureId & 0xff] : [d.pictureId & 0x7f]));
      if (d.l) out.push(d.tl0);
      if (d.t || d.k) out.push(d.tid);
    }
    out.push(d.keyframe ? 0x10 : 0x11);
    return out;
  });

const extensionElement = fc.oneof(
  fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.array(byte, { minLength: 1, maxLength: 16 }) }),
  fc.record({ id: fc.constant(4), data: fc.constantFrom([0x71], [0x68], [0x66], [0x71, 0]).map((d) => [...d]) }), // rid q/h/f
  fc.record({ id: fc.constantFrom(2, 3), data: fc.array(byte, { minLength: 1, maxLength: 4 }) }), // abs-send-time, transport-cc
);

const structuredRtp = fc
  .record({
    payloadType: fc.constantFrom(96, 96, 96, 111, 0, 127),
    marker: fc.boolean(),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    ssrc: fc.constantFrom(1, 2, 3, 0xffffffff),
    csrcs: fc.array(fc.nat(), { maxLength: 3 }),
    extForm: fc.constantFrom<'one' | 'two' | undefined>('one', 'two', undefined),
    extensions: fc.array(extensionElement, { maxLength: 5 }),
    descriptor: vp8Descriptor,
    body: fc.array(byte, { maxLength: 64, size: 'max' }),
    padding: fc.integer({ min: 0, max: 12 }),
  })
  .map((f) =>
    buildRtp({
      payloadType: f.payloadType,
      marker: f.marker,
      sequenceNumber: f.sequenceNumber,
      timestamp: f.timestamp,
      ssrc: f.ssrc,
      csrcs: f.csrcs,
      ...(f.extForm && { extForm: f.extForm, extensions: f.extensions }),
      payload: [...f.descriptor, ...f.body],
      padding: f.padding,
    }),
  );

const rtpInput = fc.oneof(randomBytes(1500), structuredRtp, mutated(structuredRtp));

function checkRtpView(buf: Uint8Array, v: RtpView): void {
  check(v.payloadOffset >= 12 && v.payloadLength >= 0 && v.payloadOffset + v.payloadLength <= buf.length, `payload [${v.payloadOffset}, +${v.payloadLength}) outside ${buf.length} bytes`);
  if (v.extOffset >= 0) check(v.extOffset + v.extLength <= v.payloadOffset, 'extension block past the payload start');
  for (let id = 1; id <= 15; id++) {
    const offset = findHeaderExtension(buf, v, id);
    const length = headerExtensionLength(buf, v, id);
    if (offset >= 0) check(offset >= v.extOffset && offset + length <= v.extOffset + v.extLength, `extension ${id} [${offset}, +${length}) outside its block`);
    const level = readAudioLevel(buf, v, id);
    check(level >= -1 && level <= 127, 'audio level out of range');
    readRid(buf, v, id);
  }
}

const rtpParse: FuzzTarget = {
  name: 'rtp: parseRtp + header extensions',
  property: fc.property(rtpInput, (input) => {
    const buf = input as Uint8Array;
    const view = new RtpView();
    isRtcpPacket(buf);
    if (parseRtp(buf, buf.length, view)) checkRtpView(buf, view);
    // A length beyond the buffer is clamped, never read past.
    if (parseRtp(buf, buf.length + 100, view)) checkRtpView(buf, view);
  }),
};

const rtpRewrite: FuzzTarget = {
  name: 'rtp: in-place rewrite keeps length and payload',
  property: fc.property(rtpInput, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0x7fff }), (input, seq, ts, pictureId) => {
    const buf = Uint8Array.from(input as Uint8Array);
    const view = new RtpView();
    if (!parseRtp(buf, buf.length, view)) return;
    const before = Uint8Array.from(buf);
    writeSequenceNumber(buf, seq);
    writeTimestamp(buf, ts);
    writeSsrc(buf, 0x12345678);
    writePayloadType(buf, 97);
    const vp8 = new Vp8View();
    if (parseVp8(buf, view.payloadOffset, view.payloadLength, vp8)) {
      writeVp8PictureId(buf, vp8, pictureId);
      writeVp8Tl0PicIdx(buf, vp8, pictureId & 0xff);
      const again = new Vp8View();
      check(parseVp8(buf, view.payloadOffset, view.payloadLength, again), 'descriptor unparsable after rewrite');
      if (vp8.pictureIdOffset >= 0) check(again.pictureId === (pictureId & (vp8.pictureIdBits === 15 ? 0x7fff : 0x7f)), 'picture id did not round-trip');
      if (vp8.tl0PicIdxOffset >= 0) check(again.tl0PicIdx === (pictureId & 0xff), 'TL0PICIDX did not round-trip');
      check(again.isKeyframe === vp8.isKeyframe, 'rewrite changed the keyframe flag');
    }
    check(buf.length === before.length, 'length changed');
    const after = new RtpView();
    check(parseRtp(buf, buf.length, after), 'unparsable after rewrite');
    check(after.sequenceNumber === seq && after.timestamp === ts && after.ssrc === 0x12345678 && after.payloadType === 97, 'fields did not round-trip');
    check(after.marker === view.marker && after.payloadOffset === view.payloadOffset && after.payloadLength === view.payloadLength, 'rewrite moved the payload');
    // Past the VP8 descriptor (at most 6 bytes) the payload is untouched.
    for (let i = view.payloadOffset + 6; i < buf.length; i++) check(buf[i] === before[i], `payload byte ${i} changed`);
  }),
};

/**
 * The whole packet path of a publisher's video: a Producer (transport-cc, abs-send-time, audio
 * level and rid extensions negotiated, simulcast) fanning out to two Consumers on subscriber slots
 * with transport-cc and pacing off. Packets come from one "publisher" sequence; the slot's Track
 * records what leaves. Every packet sent has the length it arrived with.
 */
/** Byte offsets a forwarder may rewrite in `packet` (header ids/seq/ts/SSRC, abs-send-time and transport-cc elements, VP8 ids). */
function rewritableBytes(packet: Uint8Array): Set<number> {
  const allowed = new Set<number>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const view = new RtpView();
  if (!parseRtp(packet, packet.length, view)) return allowed;
  for (const [id, size] of [[2, 3], [3, 2]] as const) {
    const offset = findHeaderExtension(packet, view, id);
    if (offset < 0) continue;
    allowed.add(offset - 1);
    for (let i = 0; i < Math.min(size, headerExtensionLength(packet, view, id)); i++) allowed.add(offset + i);
  }
  const vp8 = new Vp8View();
  if (parseVp8(packet, view.payloadOffset, view.payloadLength, vp8)) {
    if (vp8.pictureIdOffset >= 0) for (let i = 0; i < vp8.pictureIdBits / 8; i++) allowed.add(vp8.pictureIdOffset + i);
    if (vp8.tl0PicIdxOffset >= 0) allowed.add(vp8.tl0PicIdxOffset);
  }
  return allowed;
}

const forwardPath: FuzzTarget = {
  name: 'rtp: Producer -> Consumer forward path (parse, layer, rewrite, RTX)',
  property: fc.property(fc.array(fc.oneof(structuredRtp, mutated(structuredRtp), randomBytes(200)), { minLength: 1, maxLength: 30 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 4 }), fc.boolean(), fc.boolean(), (packets, nacks, simulcast, inOrder) => {
    const producer = new Producer({ id: 'p', group: null, kind: 'video', payloadType: 96, simulcast, rids: simulcast ? ['q', 'h', 'f'] : [], ridExtensionId: 4, audioLevelExtensionId: 1, absSendTimeExtensionId: 2, transportCcExtensionId: 3 });
    const sentLengths: number[] = [];
    const track = { sendMessageBinary: (b: Buffer) => (sentLengths.push(b.length), true), onMessage() {} };
    const consumers: Consumer[] = [];
    for (let i = 0; i < 2; i++) {
      const slot = new SubscriberSlot(String(i), 'video', 0x1000 + i, 96, track as never, 0x2000 + i, 97);
      slot.open = true;
      slot.transportCc = new TransportCcEstimator(() => 0);
      slot.transportCcId = 3;
      const consumer = new Consumer(`c${i}`, producer, slot);
      slot.consumer = consumer;
      producer.consumers.push(consumer);
      consumers.push(consumer);
    }
    const onPacket = (producer as unknown as { onPacket(buf: Buffer): void }).onPacket.bind(producer);
    const errors = mediaCounters.packetErrors;
    let now = 1000;
    let seq = 65500;
    for (const p of packets) {
      const buf = Buffer.from(p);
      // Mostly one stream in order (reaches layer choice, keyframe switches, NACK/RTX), else raw.
      if (inOrder && buf.length >= 12) {
        buf.writeUInt16BE(seq++ & 0xffff, 2);
        buf.writeUInt32BE(1, 8);
      }
      const original = Buffer.from(buf);
      const allowed = rewritableBytes(original);
      const before = sentLengths.length;
      onPacket(buf);
      for (let k = before; k < sentLengths.length; k++) check(sentLengths[k] === buf.length, `forwarded ${sentLengths[k]} bytes of a ${buf.length}-byte packet`);
      // The rewrite touched only what it owns: header fields, the extension elements it restamps, the VP8 ids.
      if (sentLengths.length > before) for (let i = 0; i < buf.length; i++) check(buf[i] === original[i] || allowed.has(i), `byte ${i} of ${buf.length} rewritten outside the fields the forwarder owns`);
      for (const c of consumers) c.update((now += 5));
      producer.tick(now, 5);
    }
    // NACKs for what was just sent (RTX from the history, rewritten again), and beyond it.
    for (const [back, blp] of nacks) for (const c of consumers) c.onNack((c.slot.lastSeq - (back % 40)) & 0xffff, blp, now);
    check(mediaCounters.packetErrors === errors, 'the guard counted an error');
  }),
};

// ---------------------------------------------------------------- VP8

const vp8Target: FuzzTarget = {
  name: 'vp8: payload descriptor',
  property: fc.property(fc.oneof(randomBytes(32), vp8Descriptor.map((d) => Uint8Array.from(d)), mutated(vp8Descriptor.map((d) => Uint8Array.from(d)))), fc.nat(40), fc.nat(40), (input, offset, lengthSlack) => {
    const buf = new Uint8Array(offset + (input as Uint8Array).length + 8);
    buf.set(input as Uint8Array, offset);
    const length = (input as Uint8Array).length + (lengthSlack % 3 === 0 ? lengthSlack : 0);
    const view = new Vp8View();
    if (!parseVp8(buf, offset, length, view)) return;
    const end = offset + length;
    check(end <= buf.length, 'accepted a payload past the buffer');
    if (view.pictureIdOffset >= 0) check(view.pictureIdOffset > offset && view.pictureIdOffset + view.pictureIdBits / 8 <= end, 'picture id outside the payload');
    if (view.tl0PicIdxOffset >= 0) check(view.tl0PicIdxOffset > offset && view.tl0PicIdxOffset < end, 'TL0PICIDX outside the payload');
    check(view.pictureId >= -1 && view.pictureId <= 0x7fff, 'picture id out of range');
  }),
};

// ---------------------------------------------------------------- RTCP

const rtcpPacket = fc
  .record({ pt: fc.constantFrom(200, 201, 202, 203, 204, 205, 206, 207), count: fc.integer({ min: 0, max: 31 }), body: fc.array(byte, { maxLength: 120 }), padding: fc.boolean() })
  .map(({ pt, count, body, padding }) => {
    const words = Math.ceil(body.length / 4);
    const out = [0x80 | (padding ? 0x20 : 0) | count, pt, (words >> 8) & 0xff, words & 0xff, ...body];
    while (out.length < 4 + words * 4) out.push(0);
    if (padding && out.length > 4) out[out.length - 1] = (body[0] ?? 1) & 0x0f;
    return out;
  });

const builtRtcp = fc
  .record({
    nack: fc.tuple(fc.nat(0xffff), fc.nat(0xffff)),
    remb: fc.tuple(fc.double({ min: 0, max: 1e12, noNaN: true }), fc.array(fc.nat(), { maxLength: 4 })),
    rr: fc.array(fc.record({ ssrc: fc.nat(), fractionLost: byte, cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }), highestSeq: fc.nat(), jitter: fc.nat(), lsr: fc.nat(), dlsr: fc.nat() }), { maxLength: 3 }),
  })
  .map(({ nack, remb, rr }) => {
    const buf = new Uint8Array(400);
    let o = writeSenderReport(buf, 0, 5, 1, 2, 3, 4, 5);
    const blocks = rr.map((b) => Object.assign(new ReportBlock(), b));
    o += writeReceiverReport(buf, o, 5, blocks, blocks.length);
    o += writeNack(buf, o, 5, 6, nack[0], nack[1]);
    o += writePli(buf, o, 5, 6);
    o += writeRemb(buf, o, 5, remb[0], remb[1], remb[1].length);
    return buf.subarray(0, o);
  });

const compound = fc.array(rtcpPacket, { minLength: 1, maxLength: 6 }).map((ps) => Uint8Array.from(ps.flat()));
const rtcpInput = fc.oneof(randomBytes(1200), compound, mutated(compound), mutated(builtRtcp));

/** A handler that checks every callback's offsets against the buffer and counts them. */
function checkingHandler(buf: Uint8Array, length: number, calls: { n: number }): RtcpHandler {
  const u32 = (v: number) => check(Number.isInteger(v) && v >= 0 && v <= 0xffffffff, `SSRC ${v} is not unsigned 32-bit`);
  return {
    onPli: (s, m) => (calls.n++, u32(s), u32(m)),
    onFir: (s, m) => (calls.n++, u32(s), u32(m)),
    onNack: (s, m, pid, blp) => (calls.n++, u32(s), u32(m), check(pid >= 0 && pid <= 0xffff && blp >= 0 && blp <= 0xffff, 'NACK fields out of range')),
    onRemb: (s, bps, b, off, count) => {
      calls.n++;
      u32(s);
      check(b === buf && off >= 0 && off + count * 4 <= length, `REMB SSRC list [${off}, +${count * 4}) past ${length}`);
      check(Number.isFinite(bps) && bps >= 0, 'REMB bitrate not finite');
    },
    onReceiverReportBlock: (r, s, fl, lost, hs, j, lsr, dlsr) => {
      calls.n++;
      for (const v of [r, s, hs, j, lsr, dlsr]) u32(v);
      check(fl >= 0 && fl <= 255 && lost >= -0x800000 && lost <= 0x7fffff, 'report block fields out of range');
    },
    onTransportCc: (s, b, off, end) => {
      calls.n++;
      u32(s);
      check(b === buf && off >= 0 && end <= length && end - off >= 20, `transport-cc [${off}, ${end}) outside ${length}`);
      let statuses = 0;
      parseTransportCcFeedback(b, off, end, { onFeedbackPacket: (seq, ms) => (statuses++, check(seq >= 0 && seq <= 0xffff && (ms === -1 || Number.isFinite(ms)), 'bad status')) });
      check(statuses <= MAX_TRANSPORT_CC_STATUSES, `${statuses} statuses from one feedback`);
    },
    onSenderReport: (ssrc, a, b2, c, d, e) => {
      calls.n++;
      for (const v of [ssrc, a, b2, c, d, e]) u32(v);
    },
  };
}

const rtcpTarget: FuzzTarget = {
  name: 'rtcp: compound (SR, RR, NACK, PLI, FIR, REMB, transport-cc)',
  property: fc.property(rtcpInput, (input) => {
    const buf = input as Uint8Array;
    const calls = { n: 0 };
    const ok = parseRtcp(buf, buf.length, checkingHandler(buf, buf.length, calls));
    if (!ok) check(calls.n === 0, 'a rejected compound dispatched callbacks');
    // Each callback stands for at least 4 bytes of the compound: no amplification in the walker.
    check(calls.n <= buf.length / 4 + 1, `${calls.n} callbacks from ${buf.length} bytes`);
  }),
};

const rtcpRoundTrip: FuzzTarget = {
  name: 'rtcp: builders round-trip through parseRtcp',
  property: fc.property(fc.nat(), fc.nat(), fc.nat(0xffff), fc.nat(0xffff), fc.double({ min: 0, max: 1e15, noNaN: true }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: -0x800000, max: 0x7fffff }), (sender, media, pid, blp, bps, ssrcs, lost) => {
    const buf = new Uint8Array(600);
    let o = writeNack(buf, 0, sender, media, pid, blp);
    o += writePli(buf, o, sender, media);
    o += writeRemb(buf, o, sender, bps, ssrcs, ssrcs.length);
    const block = Object.assign(new ReportBlock(), { ssrc: media, fractionLost: 7, cumulativeLost: lost, highestSeq: 1, jitter: 2, lsr: 3, dlsr: 4 });
    o += writeReceiverReport(buf, o, sender, [block], 1);
    const seen: string[] = [];
    check(parseRtcp(buf, o, {
      onNack: (s, m, p, b) => seen.push(`nack ${s} ${m} ${p} ${b}`),
      onPli: (s, m) => seen.push(`pli ${s} ${m}`),
      onRemb: (s, rate, b, off, count) => {
        const list = Array.from({ length: count }, (_, i) => ((b[off + 4 * i]! << 24) | (b[off + 4 * i + 1]! << 16) | (b[off + 4 * i + 2]! << 8) | b[off + 4 * i + 3]!) >>> 0);
        // The mantissa keeps 18 bits: the rate is within 2^-17 of what was written (rounded down).
        const close = rate <= Math.floor(bps) && (bps < 1 || rate >= Math.floor(bps) * (1 - 2 ** -17) - 1);
        seen.push(`remb ${s} ${close || bps > 2 ** 80} ${list.join(',')}`);
      },
      onReceiverReportBlock: (r, s, fl, l) => seen.push(`rr ${r} ${s} ${fl} ${l}`),
    }), 'built compound rejected');
    const ssrc = (v: number) => v >>> 0;
    check(JSON.stringify(seen) === JSON.stringify([`nack ${ssrc(sender)} ${ssrc(media)} ${pid} ${blp}`, `pli ${ssrc(sender)} ${ssrc(media)}`, `remb ${ssrc(sender)} true ${ssrcs.map(ssrc).join(',')}`, `rr ${ssrc(sender)} ${ssrc(media)} 7 ${lost}`]), `round trip: ${JSON.stringify(seen)}`);
  }),
};

// ---------------------------------------------------------------- transport-cc

const feedbackBody = fc
  .record({ base: fc.nat(0xffff), count: fc.nat(0xffff), chunks: fc.array(fc.nat(0xffff), { maxLength: 40 }), deltas: fc.array(byte, { maxLength: 200 }) })
  .map(({ base, count, chunks, deltas }) => {
    const body = [0, 0, 0, 1, 0, 0, 0, 2, base >> 8, base & 0xff, count >> 8, count & 0xff, 0, 0, 1, 0];
    for (const c of chunks) body.push(c >> 8, c & 0xff);
    body.push(...deltas);
    while (body.length % 4) body.push(0);
    return Uint8Array.from([0x80 | 15, 205, 0, body.length / 4, ...body]);
  });

const transportCcParse: FuzzTarget = {
  name: 'transport-cc: feedback parser and the estimator it feeds',
  property: fc.property(fc.oneof(feedbackBody, mutated(feedbackBody), randomBytes(300)), fc.nat(0xffff), (input, sent) => {
    const buf = input as Uint8Array;
    const estimator = new TransportCcEstimator(() => 0);
    for (let i = 0; i < sent % 3000; i++) estimator.onSend(1200, i * 0.5);
    let statuses = 0;
    const claimed = buf.length >= 16 ? (buf[14]! << 8) | buf[15]! : 0;
    parseTransportCcFeedback(buf, 0, buf.length, { onFeedbackPacket: () => statuses++ });
    check(statuses <= Math.min(claimed, MAX_TRANSPORT_CC_STATUSES), `${statuses} statuses, ${claimed} claimed`);
    // Out-of-range offsets are refused, not read.
    parseTransportCcFeedback(buf, -4, buf.length, { onFeedbackPacket: () => check(false, 'negative offset parsed') });
    parseTransportCcFeedback(buf, 0, buf.length + 8, { onFeedbackPacket: () => check(false, 'end past the buffer parsed') });
    if (buf.length >= 20) estimator.onFeedback(buf, 0, buf.length, 2000);
    estimator.update(2500, 500);
    check(Number.isFinite(estimator.estimate) && estimator.estimate >= 100_000 && estimator.estimate <= 20_000_000, `estimate ${estimator.estimate}`);
  }),
};

const transportCcRoundTrip: FuzzTarget = {
  name: 'transport-cc: writer -> parser round-trip',
  property: fc.property(fc.nat(0xffff), fc.array(fc.oneof(fc.constant(-1), fc.double({ min: 0, max: 100_000, noNaN: true })), { minLength: 1, maxLength: 300 }), (base, arrivals) => {
    const out = new Uint8Array(1200);
    const result = new FeedbackResult();
    new TransportCcWriter(1024).write(out, 0, 1, 2, base, arrivals, arrivals.length, 9, result);
    if (result.bytes === 0) return;
    check(result.bytes % 4 === 0 && result.covered > 0 && result.covered <= arrivals.length, 'bad result');
    const reported: Array<[number, number]> = [];
    check(parseRtcp(out, result.bytes, { onTransportCc: (_s, b, off, end) => check(parseTransportCcFeedback(b, off, end, { onFeedbackPacket: (seq, ms) => reported.push([seq, ms]) }), 'own feedback unparsable') }), 'own compound rejected');
    check(reported.length === result.covered, `${reported.length} statuses for ${result.covered} covered`);
    reported.forEach(([seq, ms], i) => {
      check(seq === ((base + i) & 0xffff), 'sequence numbers out of order');
      const a = arrivals[i]!;
      if (a < 0) check(ms === -1, 'a lost packet reported received');
      else check(Math.abs(ms - Math.round(a * 4) / 4) < 1e-9, `arrival ${a} reported as ${ms}`);
    });
  }),
};

// ---------------------------------------------------------------- pipes between workers

const pipeDatagram = fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 255), fc.nat(4), fc.nat(0xffff), fc.constantFrom(1, 7, 0xffffffff), fc.oneof(structuredRtp, randomBytes(64))).map(([type, layer, seq, pipeId, body]) => {
  const head = new Uint8Array(8);
  head[0] = type;
  head[1] = layer;
  head[2] = seq >> 8;
  head[3] = seq & 0xff;
  head[4] = pipeId >>> 24;
  head[5] = (pipeId >>> 16) & 0xff;
  head[6] = (pipeId >>> 8) & 0xff;
  head[7] = pipeId & 0xff;
  return Uint8Array.from([...head, ...body]);
});

const pipeTarget: FuzzTarget = {
  name: 'pipe: datagrams between media workers (the UDP input our code parses)',
  property: fc.property(fc.array(fc.oneof(pipeDatagram, mutated(pipeDatagram), randomBytes(40)), { maxLength: 12 }), (datagrams) => {
    const hub = new PipeHub();
    const producer = new Producer({ id: 'relay', group: null, kind: 'video', payloadType: 96, simulcast: true, rids: ['q', 'h', 'f'], ridExtensionId: 4, audioLevelExtensionId: 0, absSendTimeExtensionId: 2, transportCcExtensionId: 3 });
    (hub as unknown as { incoming: Map<number, unknown> }).incoming.set(7, { producer, onClose() {} });
    const dispatch = (hub as unknown as { dispatch(msg: Buffer): void }).dispatch.bind(hub);
    try {
      for (const d of datagrams) dispatch(Buffer.from(d));
    } finally {
      hub.close();
    }
  }),
};

// ---------------------------------------------------------------- SDP

const sdpLine = fc.oneof(
  fc.constantFrom('v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=sendonly', 'a=rtcp-mux', 'a=end-of-candidates', 'a=simulcast:send q;h;f', 'a=ssrc-group:FID 1 2', 'a=extmap-allow-mixed', ''),
  fc.tuple(fc.constantFrom('video', 'audio', 'application'), fc.nat(70000), fc.array(fc.nat(300), { maxLength: 4 })).map(([k, port, pts]) => `m=${k} ${port} UDP/TLS/RTP/SAVPF ${pts.join(' ')}`),
  fc.tuple(fc.nat(300), fc.constantFrom('VP8/90000', 'opus/48000/2', 'H264/90000', 'rtx/90000', 'vp8/90000', 'OPUS/48000')).map(([pt, c]) => `a=rtpmap:${pt} ${c}`),
  fc.tuple(fc.constantFrom('fmtp', 'rtcp-fb'), fc.nat(300), fc.string({ maxLength: 20 })).map(([a, pt, v]) => `a=${a}:${pt} ${v}`),
  fc.tuple(fc.nat(300), fc.constantFrom('', '/sendonly', '/x'), fc.constantFrom('urn:ietf:params:rtp-hdrext:ssrc-audio-level', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', 'urn:ietf:params:rtp-hdrext:sdes:mid', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 'urn:x')).map(([id, dir, uri]) => `a=extmap:${id}${dir} ${uri}`),
  fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('send', 'recv', '')).map(([rid, dir]) => `a=rid:${rid} ${dir}`),
  fc.string({ maxLength: 12 }).map((v) => `a=candidate:${v} 1 udp 1 10.0.0.1 9 typ host`),
  fc.string({ maxLength: 40 }),
);
const sdpText = fc.tuple(fc.array(sdpLine, { maxLength: 25 }), fc.constantFrom('\r\n', '\n', '\r')).map(([lines, eol]) => lines.join(eol));
const sdpInput = fc.oneof(sdpText, fc.string({ maxLength: 300 }));

const sdpTarget: FuzzTarget = {
  name: 'sdp: trimPublishOffer, fixSimulcastAnswer, withAnnouncedCandidate',
  property: fc.property(sdpInput, fc.constantFrom<'audio' | 'video'>('audio', 'video'), fc.constantFrom('127.0.0.1', '::1'), fc.nat(65535), (input, kind, ip, port) => {
    const sdp = input as string;
    try {
      const info = trimPublishOffer(sdp, kind);
      const mLines = info.sdp.split('\r\n').filter((l) => l.startsWith('m='));
      check(mLines.length === 1 && mLines[0]!.endsWith(` ${info.payloadType}`), 'trimmed offer has not exactly one m-line with the chosen payload type');
      check(Number.isInteger(info.payloadType), 'payload type not an integer');
      for (const id of info.extensionIds.values()) check(Number.isInteger(id), 'extension id not an integer');
      for (const l of info.sdp.split('\r\n')) {
        const fmt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(l);
        if (fmt) check(Number(fmt[1]) === info.payloadType, `kept a line of another payload type: ${l}`);
      }
    } catch (err) {
      // Refusals are plain Errors with a message (PublisherTransport wraps them as MediaError bad_sdp).
      check(err instanceof Error && /^(expected exactly one m-line|expected an m=|the offer has no)/.test(err.message), `unexpected throw: ${String(err)}`);
    }
    const fixed = fixSimulcastAnswer(sdp);
    check(!/^a=rid:\S+ send/m.test(fixed) && !/^a=simulcast:send /m.test(fixed), 'send direction left in the answer');
    const announced = withAnnouncedCandidate(sdp, ip, port);
    check(withAnnouncedCandidate(announced, ip, port) === announced, 'withAnnouncedCandidate is not idempotent');
    const lines = announced.split('\r\n');
    for (const l of lines) if (l.startsWith('a=candidate')) check(l === `a=candidate:1 1 UDP 2122317823 ${ip} ${port} typ host`, `foreign candidate kept: ${l}`);
    lines.forEach((l, i) => {
      if (l.startsWith('a=mid:')) check(lines[i + 1]!.startsWith('a=candidate:1 ') && lines[i + 2] === 'a=end-of-candidates', 'a=mid not followed by the announced candidate');
    });
  }),
};

export const mediaFuzzTargets: FuzzTarget[] = [rtpParse, rtpRewrite, forwardPath, vp8Target, rtcpTarget, rtcpRoundTrip, transportCcParse, transportCcRoundTrip, pipeTarget, sdpTarget];
