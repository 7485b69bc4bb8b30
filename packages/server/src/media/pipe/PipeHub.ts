// One media worker's end of the pipes between workers carrying a room that spans them. Origin side:
// a PipeSink at the front of a producer's sinks copies every packet it accepts (before any consumer
// rewrites it in place) into a datagram to the relay worker, over 127.0.0.1 UDP. Relay side: a
// Producer with the origin's parameters is fed those packets, so consumers there work exactly as on
// the origin (layer choice, RTX from its own history, shedding); its keyframe requests go back to
// the origin, which asks the publisher. One datagram per packet per relay worker, not per subscriber.
import { createSocket, type Socket } from 'node:dgram';
import { Producer, type PacketSink, type ProducerParams } from '../Producer.js';
import type { RtpView } from '../rtp/rtpPacket.js';
import type { Vp8View } from '../rtp/vp8.js';
import { PIPE_HEADER, PipeType } from './pipeTypes.js';
import { reportPacketError } from '../mediaCounters.js';

/** Scratch datagrams in rotation: a send the kernel could not take at once keeps its buffer a while. */
const RING = 64;
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

class PipeSink implements PacketSink {
  private readonly ring: Buffer[] = Array.from({ length: RING }, () => Buffer.alloc(1600));
  private next = 0;
  sent = 0;

  constructor(
    private readonly socket: Socket,
    private readonly pipeId: number,
  ) {}

  forward(buf: Buffer, _rtp: RtpView, _vp8: Vp8View, layer: number): void {
    if (buf.length + PIPE_HEADER > 1600) return;
    const out = this.take(PipeType.RTP, layer, 0);
    buf.copy(out, PIPE_HEADER);
    this.send(out, buf.length + PIPE_HEADER);
  }

  skip(layer: number, seq: number): void {
    this.send(this.take(PipeType.SKIP, layer, seq), PIPE_HEADER);
  }

  resync(layer: number): void {
    this.send(this.take(PipeType.RESYNC, layer, 0), PIPE_HEADER);
  }

  private take(type: PipeType, layer: number, seq: number): Buffer {
    const out = this.ring[this.next]!;
    this.next = (this.next + 1) % RING;
    out[0] = type;
    out[1] = layer;
    out.writeUInt16BE(seq & 0xffff, 2);
    out.writeUInt32BE(this.pipeId, 4);
    return out;
  }

  private send(out: Buffer, length: number): void {
    try {
      this.socket.send(out, 0, length);
      this.sent++;
    } catch {
      // socket closing
    }
  }
}

interface Outgoing {
  producer: Producer;
  sink: PipeSink;
}

interface Incoming {
  producer: Producer;
  onClose: () => void;
}

export class PipeHub {
  private readonly socket: Socket;
  /** Connected sockets to other workers' hubs, by port. */
  private readonly peers = new Map<number, Socket>();
  private readonly outgoing = new Map<number, Outgoing>();
  private readonly incoming = new Map<number, Incoming>();
  private readonly keyframeRequest = Buffer.alloc(PIPE_HEADER);
  port = 0;

  constructor() {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg) => this.onMessage(msg));
    this.socket.on('error', () => {});
  }

  /** Binds 127.0.0.1 on a free port; resolves with it. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => resolve());
    });
    try {
      this.socket.setRecvBufferSize(RECV_BUFFER_BYTES);
    } catch {
      // capped by the kernel (net.core.rmem_max): the default still works
    }
    this.port = this.socket.address().port;
    return this.port;
  }

  private async peer(port: number): Promise<Socket> {
    let socket = this.peers.get(port);
    if (socket) return socket;
    socket = createSocket('udp4');
    socket.on('error', () => {});
    this.peers.set(port, socket);
    await new Promise<void>((resolve) => socket!.connect(port, '127.0.0.1', () => resolve()));
    return socket;
  }

  /** Origin: start copying `producer`'s packets to the worker on `toPort`. */
  async pipeOut(producer: Producer, pipeId: number, toPort: number): Promise<ProducerParams> {
    const sink = new PipeSink(await this.peer(toPort), pipeId);
    // First in line: consumers rewrite the packet in place after it.
    producer.consumers.unshift(sink);
    this.outgoing.set(pipeId, { producer, sink });
    // A relay's first subscriber needs a keyframe of whatever layer it picks; ask now for all.
    for (let layer = 0; layer < 3; layer++) producer.requestKeyframe(layer, performance.now());
    return producer.description;
  }

  /** Relay: a producer fed by the pipe; `onClose` removes it from its room. */
  async pipeIn(params: ProducerParams, pipeId: number, fromPort: number, onClose: () => void): Promise<Producer> {
    const origin = await this.peer(fromPort);
    const producer = new Producer(params);
    const request = this.keyframeRequest;
    producer.keyframeRelay = (layer) => {
      request[0] = PipeType.KEYFRAME;
      request[1] = layer;
      request.writeUInt16BE(0, 2);
      request.writeUInt32BE(pipeId, 4);
      try {
        origin.send(request, 0, PIPE_HEADER);
      } catch {
        // closing
      }
    };
    this.incoming.set(pipeId, { producer, onClose });
    return producer;
  }

  closePipe(pipeId: number): void {
    const out = this.outgoing.get(pipeId);
    if (out) {
      this.outgoing.delete(pipeId);
      out.producer.removeConsumer(out.sink);
    }
    const inc = this.incoming.get(pipeId);
    if (inc) {
      this.incoming.delete(pipeId);
      inc.onClose();
      inc.producer.close();
    }
  }

  /** Pipes fed by or feeding `producer` (it closed): forget them. */
  forgetProducer(producer: Producer): void {
    for (const [id, out] of this.outgoing) if (out.producer === producer) this.outgoing.delete(id);
    for (const [id, inc] of this.incoming) if (inc.producer === producer) this.incoming.delete(id);
  }

  /**
   * One datagram from another worker's hub (or anyone on 127.0.0.1: it is checked, never trusted).
   * The entry point of the pipe's packet path: a throw is counted and the datagram dropped.
   */
  onMessage(msg: Buffer): void {
    try {
      this.dispatch(msg);
    } catch (err) {
      reportPacketError(err, 'pipe');
    }
  }

  private dispatch(msg: Buffer): void {
    if (msg.length < PIPE_HEADER) return;
    const type = msg[0]!;
    const layer = msg[1]!;
    const pipeId = msg.readUInt32BE(4);
    if (type === PipeType.KEYFRAME) {
      this.outgoing.get(pipeId)?.producer.requestKeyframe(layer, performance.now());
      return;
    }
    const producer = this.incoming.get(pipeId)?.producer;
    if (!producer || layer > 2) return;
    if (type === PipeType.RTP) producer.onPipedPacket(msg.subarray(PIPE_HEADER), layer);
    else if (type === PipeType.SKIP) producer.skipForConsumers(layer, msg.readUInt16BE(2));
    else if (type === PipeType.RESYNC) producer.resyncConsumers(layer);
  }

  close(): void {
    try {
      this.socket.close();
    } catch {
      // not bound
    }
    for (const s of this.peers.values()) {
      try {
        s.close();
      } catch {
        // closed
      }
    }
    this.peers.clear();
  }
}
