/**
 * Cost of a plain-RTP tap (participant/track recordings) on the media thread: a real Producer fed
 * 1200-byte VP8 packets, forwarded by an RtpTap over UDP to a socket on 127.0.0.1. Prints the time
 * per forwarded packet on the calling thread (rewrite + ring copy + dgram send), against the same
 * loop with the tap detached (parse only). Run: npm run bench:tap
 */
import { createSocket } from 'node:dgram';
import { Producer } from '../packages/server/src/media/Producer.js';
import { RtpTap } from '../packages/server/src/media/RtpTap.js';
import { buildRtp } from '../packages/server/src/media/rtp/testPackets.js';

const BATCH = 200;
const BATCHES = 1500;

let deliver: (buf: Buffer) => void = () => {};
const producer = new Producer({ id: 'p', group: null, kind: 'video', payloadType: 96, simulcast: false, rids: [], ridExtensionId: 0, audioLevelExtensionId: 0, absSendTimeExtensionId: 0 });
producer.attach({ onMessage: (cb: (b: Buffer) => void) => (deliver = cb), sendMessageBinary: () => {} } as never);

const packets: Buffer[] = [];
for (let i = 0; i < 256; i++) {
  const key = i === 0;
  const descriptor = [0x90, 0x80, 0x80, i & 0x7f, key ? 0x00 : 0x01];
  packets.push(Buffer.from(buildRtp({ payloadType: 96, sequenceNumber: i, timestamp: 3000 * (i >> 3), ssrc: 0x1234, payload: [...descriptor, ...new Array<number>(1200 - descriptor.length).fill(0x55)] })));
}

const receiver = createSocket('udp4');
let received = 0;
receiver.on('message', () => received++);
await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', () => r()));

let seq = 0;
async function run(label: string): Promise<void> {
  let ns = 0n;
  for (let b = 0; b < BATCHES; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) {
      // Fresh buffer each time (as libdatachannel delivers), the sequence number moving on.
      const p = packets[seq & 255]!;
      p.writeUInt16BE(seq & 0xffff, 2);
      p.writeUInt32BE((3000 * (seq >> 3)) >>> 0, 4);
      p[12 + 4] = (seq & 255) === 0 ? 0x00 : 0x01; // a keyframe every 256 packets
      deliver(Buffer.from(p));
      seq++;
    }
    ns += process.hrtime.bigint() - t0;
    await new Promise((r) => setImmediate(r)); // let the receiver drain
  }
  console.log(`${label.padEnd(34)} ${(Number(ns) / (BATCH * BATCHES)).toFixed(0).padStart(6)} ns/packet`);
}

await run('producer, no tap (parse + copy-in)');
const tap = await RtpTap.open('bench', 'video', receiver.address().port, 96);
tap.attach(producer, performance.now());
received = 0;
await run('producer + RtpTap (UDP send)');
console.log(`(tap sent ${tap.slot.packets} of ${BATCH * BATCHES}; ${received} reached the receiver socket, the rest dropped by its kernel buffer; ${tap.slot.sendErrors} send errors)`);
tap.close();
receiver.close();
