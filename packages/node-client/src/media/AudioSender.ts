// Turns the pre-encoded Opus packets into RTP, one packet per 20 ms frame, looping forever with
// advancing sequence numbers and timestamps, and an RFC 6464 audio level on every packet.
import { writeRtp, type HeaderExtension } from '../rtp/rtp.js';
import { RtpStreamState } from './RtpStreamState.js';

const SAMPLES_PER_PACKET = 960;
/** -dBov level we claim: a steady tone at a speaking level, so active-speaker logic sees a speaker. */
const AUDIO_LEVEL = 30;

export class AudioSender {
  readonly rtp = new RtpStreamState();
  private position = 0;
  loops = 0;

  constructor(
    private readonly packets: Buffer[],
    private readonly payloadType: number,
    private readonly audioLevelExtensionId: number,
  ) {}

  /** The packet for 20 ms slot `slot`. */
  nextPacket(slot: number): Buffer {
    const payload = this.packets[this.position]!;
    this.position++;
    if (this.position >= this.packets.length) {
      this.position = 0;
      this.loops++;
    }
    const timestamp = (this.rtp.tsBase + slot * SAMPLES_PER_PACKET) >>> 0;
    const extensions: HeaderExtension[] = [];
    if (this.audioLevelExtensionId > 0) extensions.push({ id: this.audioLevelExtensionId, data: Buffer.from([0x80 | AUDIO_LEVEL]) });
    this.rtp.lastTimestamp = timestamp;
    this.rtp.payloadBytesSent += payload.length;
    return writeRtp({ payloadType: this.payloadType, marker: slot === 0, sequenceNumber: this.rtp.nextSeq(), timestamp, ssrc: this.rtp.ssrc, extensions, payload: [payload] });
  }
}
