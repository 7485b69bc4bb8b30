import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { Producer } from './Producer.js';
import { RtpTap } from './RtpTap.js';
import { buildRtp } from './rtp/testPackets.js';

/** A real Producer fed through a fake track; PLI/RR the producer sends are recorded. */
function producer(kind: 'audio' | 'video', id: string) {
  let deliver: (buf: Buffer) => void = () => {};
  const rtcpSent: Buffer[] = [];
  const p = new Producer({ id, group: null, kind, payloadType: kind === 'audio' ? 109 : 100, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
  p.attach({ onMessage: (cb: (b: Buffer) => void) => (deliver = cb), sendMessageBinary: (b: Buffer) => rtcpSent.push(Buffer.from(b)) } as never);
  return { p, push: (buf: Uint8Array) => deliver(Buffer.from(buf)), rtcpSent };
}

const vp8 = (seq: number, ts: number, key: boolean) =>
  buildRtp({ payloadType: 100, sequenceNumber: seq, timestamp: ts, ssrc: 0x1234, payload: [0x90, 0x80, 0x80, seq & 0x7f, key ? 0x00 : 0x01, 0, 0, 0] });
const opus = (seq: number, ts: number, ssrc = 0x4321) => buildRtp({ payloadType: 109, sequenceNumber: seq, timestamp: ts, ssrc, payload: [0xfc, 1, 2, 3] });

interface Datagram {
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
}

/** The recorder's end: a UDP socket on 127.0.0.1 that decodes what arrives. */
async function recorder(): Promise<{ socket: Socket; port: number; got: Datagram[] }> {
  const socket = createSocket('udp4');
  const got: Datagram[] = [];
  socket.on('message', (b: Buffer) => {
    const pt = b[1]!;
    // RTCP SR: packet type 200 at byte 1; its RTP timestamp is at byte 16.
    if (pt === 200) got.push({ pt, seq: -1, ts: b.readUInt32BE(16), ssrc: b.readUInt32BE(4) });
    else got.push({ pt: pt & 0x7f, seq: b.readUInt16BE(2), ts: b.readUInt32BE(4), ssrc: b.readUInt32BE(8) });
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port, got };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

describe('RtpTap', () => {
  it('forwards audio as plain RTP with the asked payload type, an SR first, and continuous numbering across a source change after a pause', async () => {
    const rec = await recorder();
    open.push(rec.socket);
    const tap = await RtpTap.open('t1', 'audio', rec.port, 111);
    open.push(tap);
    const first = producer('audio', 'mic1');
    tap.attach(first.p, performance.now());
    for (let i = 0; i < 3; i++) first.push(opus(500 + i, 10_000 + i * 960));
    await until(() => rec.got.length >= 4);
    expect(rec.got.map((d) => d.pt)).toEqual([200, 111, 111, 111]);
    expect(rec.got[0]!.ts).toBe(rec.got[1]!.ts); // the SR maps the first packet's timestamp to now
    const media = rec.got.filter((d) => d.pt === 111);
    expect(new Set(media.map((d) => d.ssrc))).toEqual(new Set([tap.slot.ssrc]));
    expect(media.map((d) => (d.seq - media[0]!.seq) & 0xffff)).toEqual([0, 1, 2]);
    expect(media.map((d) => (d.ts - media[0]!.ts) >>> 0)).toEqual([0, 960, 1920]);

    // Mic off and on again 300 ms later: a new producer, same output stream, time keeps running.
    await new Promise((r) => setTimeout(r, 300));
    const second = producer('audio', 'mic2');
    tap.attach(second.p, performance.now());
    second.push(opus(7, 999_000, 0x9999));
    await until(() => rec.got.length >= 6);
    const [report, next] = rec.got.slice(4);
    expect(report!.pt).toBe(200);
    expect(next!.seq).toBe((media[2]!.seq + 1) & 0xffff);
    const stepped = (next!.ts - media[2]!.ts) >>> 0;
    expect(stepped).toBeGreaterThanOrEqual(0.28 * 48000);
    expect(stepped).toBeLessThan(2 * 48000);
    // The first producer no longer feeds the tap.
    first.push(opus(503, 10_000 + 3 * 960));
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.got.length).toBe(6);
  });

  it('video: asks the publisher for a keyframe on attach and forwards nothing before it', async () => {
    const rec = await recorder();
    open.push(rec.socket);
    const tap = await RtpTap.open('t2', 'video', rec.port, 96);
    open.push(tap);
    const cam = producer('video', 'cam');
    cam.push(vp8(1, 3000, false)); // the layer becomes live
    tap.attach(cam.p, performance.now());
    expect(cam.rtcpSent.some((b) => b[1] === 206 && (b[0]! & 0x1f) === 1)).toBe(true); // PSFB PLI
    cam.push(vp8(2, 6000, false));
    cam.push(vp8(3, 9000, true));
    cam.push(vp8(4, 12000, false));
    await until(() => rec.got.length >= 3);
    expect(rec.got.map((d) => d.pt)).toEqual([200, 96, 96]);
    expect((rec.got[2]!.seq - rec.got[1]!.seq) & 0xffff).toBe(1);

    // A packet lost on the way in (6 never arrives): the recorder cannot NACK, so the tap asks the
    // publisher for a keyframe (once the browser's 300 ms keyframe gap has passed).
    await new Promise((r) => setTimeout(r, 350));
    const plis = () => cam.rtcpSent.filter((b) => b[1] === 206 && (b[0]! & 0x1f) === 1).length;
    const before = plis();
    cam.push(vp8(5, 15000, false));
    expect(plis()).toBe(before);
    cam.push(vp8(7, 18000, false));
    expect(plis()).toBe(before + 1);
  });
});
