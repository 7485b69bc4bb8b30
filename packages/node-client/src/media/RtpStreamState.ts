// Sequence numbers, counters and sender reports of one outgoing SSRC.
import { buildSenderReport } from '../rtp/rtcp.js';

export class RtpStreamState {
  readonly ssrc = ((Math.random() * 0xfffffff0) >>> 0) + 1;
  /** Next sequence number; strictly increasing per SSRC (libsrtp rejects repeats). */
  seq = (Math.random() * 0x7fff) | 0;
  /** Random base of the RTP timestamp. */
  readonly tsBase = (Math.random() * 0x7fffffff) >>> 0;
  lastTimestamp = this.tsBase;
  packetsSent = 0;
  bytesSent = 0;
  /** Payload bytes (what RTCP SR's octet count means). */
  payloadBytesSent = 0;
  sendErrors = 0;
  /** The receiver acknowledged this SSRC in a report: the rid extension may stop. */
  acknowledged = false;

  nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return s;
  }

  senderReport(): Buffer {
    return buildSenderReport(this.ssrc, this.lastTimestamp, this.packetsSent, this.payloadBytesSent);
  }
}
