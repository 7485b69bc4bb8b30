// Executes media commands against the routers, transports and consumers it owns, and reports
// events. It is the body of a media worker: today called in-process, later from a worker thread.
import nodeDataChannel from 'node-datachannel';
import { Router } from './Router.js';
import { Consumer } from './Consumer.js';
import { RtpTap } from './RtpTap.js';
import type { Producer } from './Producer.js';
import { PublisherTransport } from './PublisherTransport.js';
import { SubscriberTransport } from './SubscriberTransport.js';
import { MediaError } from './errors.js';
import type { MediaCommand, MediaEngineOptions, MediaEvent, MediaResults, MediaStats } from './types.js';
import { OverloadMonitor } from './overload/OverloadMonitor.js';
import { PipeHub } from './pipe/PipeHub.js';
import { qualityReport } from './qualityReport.js';
import { isPipeCommand, type PipeCommand, type PipeResults } from './pipe/pipeTypes.js';
import { logger } from '../logger.js';
import { mediaCounters, reportPacketError } from './mediaCounters.js';

const log = logger('media:worker');

const TICK_MS = 100;

export class MediaWorkerCore {
  private readonly routers = new Map<string, Router>();
  private readonly publishers = new Map<string, PublisherTransport>();
  private readonly subscribers = new Map<string, SubscriberTransport>();
  private readonly consumerRouter = new Map<string, Router>();
  private readonly tapRouter = new Map<string, Router>();
  private readonly muxListener: InstanceType<typeof nodeDataChannel.IceUdpMuxListener>;
  private readonly timer: NodeJS.Timeout;
  private packetsOutClosed = 0;
  private fastStartsClosed = 0;
  private readonly overload = new OverloadMonitor((warning) =>
    log.warn({ ...warning, rtcPort: this.options.rtcPort }, 'media worker overloaded: shedding stale media to keep forwarding delay bounded'),
  );

  constructor(
    private readonly options: MediaEngineOptions,
    private readonly emit: (event: MediaEvent) => void,
  ) {
    // Holding the mux listener keeps the shared UDP port bound while no PeerConnection exists.
    this.muxListener = new nodeDataChannel.IceUdpMuxListener(options.rtcPort, options.bindAddress);
    this.muxListener.onUnhandledStunRequest(() => {});
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Rooms spanning workers: this worker's end of the pipes (bound only in worker processes). */
  private readonly pipes = new PipeHub();

  /** Binds the pipe socket (127.0.0.1, a free port); resolves with its port. */
  listenPipe(): Promise<number> {
    return this.pipes.listen();
  }

  async handle(command: MediaCommand | PipeCommand): Promise<MediaResults[MediaCommand['op']] | PipeResults[PipeCommand['op']]> {
    if (isPipeCommand(command)) return this.handlePipe(command);
    switch (command.op) {
      case 'createRouter': {
        if (!this.routers.has(command.routerId)) {
          const routerId = command.routerId;
          this.routers.set(
            routerId,
            new Router(
              routerId,
              (producerId) => this.emit({ ev: 'activeSpeaker', routerId, producerId }),
              (consumerId, layer) => this.emit({ ev: 'consumerLayer', routerId, consumerId, layer }),
            ),
          );
        }
        return {};
      }
      case 'closeRouter': {
        const router = this.routers.get(command.routerId);
        if (!router) return {};
        for (const t of [...this.publishers.values()]) if (t.routerId === router.id) this.closeTransport(t.id);
        for (const t of [...this.subscribers.values()]) if (t.routerId === router.id) this.closeTransport(t.id);
        // Relay copies of producers (fed by pipes) belong to no publisher transport here.
        for (const producer of [...router.producers.values()]) {
          this.pipes.forgetProducer(producer);
          router.removeProducer(producer);
          producer.close();
        }
        router.close();
        this.routers.delete(router.id);
        for (const [tapId, owner] of this.tapRouter) if (owner === router) this.tapRouter.delete(tapId);
        return {};
      }
      case 'createPublisher': {
        const router = this.router(command.routerId);
        if (this.publishers.has(command.transportId)) throw new MediaError('internal', `transport ${command.transportId} exists`);
        const { transport, answerSdp } = await PublisherTransport.create(
          { id: command.transportId, routerId: router.id, kind: command.kind, offerSdp: command.offerSdp, simulcast: command.simulcast, ...(command.group !== undefined && { group: command.group }) },
          this.options,
          (t, state) => this.onTransportState(t.id, state),
        );
        this.publishers.set(transport.id, transport);
        router.producers.set(transport.producer.id, transport.producer);
        transport.producer.onFirstPacket = () => this.emit({ ev: 'firstMedia', transportId: transport.id });
        return { answerSdp, producerId: transport.producer.id };
      }
      case 'createSubscriber': {
        const router = this.router(command.routerId);
        const transport = new SubscriberTransport(
          command.transportId,
          router.id,
          this.options,
          (offerSdp) => this.emit({ ev: 'subscriberOffer', transportId: command.transportId, offerSdp }),
          (t, state) => this.onTransportState(t.id, state),
        );
        this.subscribers.set(transport.id, transport);
        router.subscribers.set(transport.id, transport);
        return {};
      }
      case 'subscriberAnswer': {
        this.subscriber(command.transportId).applyAnswer(command.answerSdp);
        return {};
      }
      case 'closeTransport':
        this.closeTransport(command.transportId);
        return {};
      case 'consume': {
        const transport = this.subscriber(command.subscriberId);
        const router = this.router(transport.routerId);
        const producer = router.producers.get(command.producerId);
        if (!producer) throw new MediaError('not_found', `producer ${command.producerId} not found`);
        const slot = await transport.acquireSlot(producer.kind);
        if (!router.producers.has(producer.id)) throw new MediaError('not_found', `producer ${producer.id} closed`);
        const consumer = new Consumer(command.consumerId, producer, slot);
        slot.consumer = consumer;
        router.consumers.set(consumer.id, consumer);
        this.consumerRouter.set(consumer.id, router);
        producer.consumers.push(consumer);
        if (slot.open) consumer.onSlotOpen(performance.now());
        else consumer.update(performance.now());
        return { mid: slot.mid };
      }
      case 'closeConsumer': {
        const router = this.consumerRouter.get(command.consumerId);
        if (router) {
          const consumer = router.consumers.get(command.consumerId);
          if (consumer) {
            this.packetsOutClosed += consumer.packetsSent;
            this.fastStartsClosed += consumer.fastStarts;
          }
          router.closeConsumer(command.consumerId);
        }
        this.consumerRouter.delete(command.consumerId);
        return {};
      }
      case 'setConsumerLayer': {
        const consumer = this.consumerRouter.get(command.consumerId)?.consumers.get(command.consumerId);
        if (!consumer) throw new MediaError('not_found', `consumer ${command.consumerId} not found`);
        consumer.setPreferredLayer(command.layer, performance.now());
        return {};
      }
      case 'setConsumerPaused': {
        const consumer = this.consumerRouter.get(command.consumerId)?.consumers.get(command.consumerId);
        if (!consumer) throw new MediaError('not_found', `consumer ${command.consumerId} not found`);
        consumer.setPaused(command.paused, performance.now());
        return {};
      }
      case 'createRtpTap': {
        const router = this.router(command.routerId);
        if (this.tapRouter.has(command.tapId)) throw new MediaError('internal', `tap ${command.tapId} exists`);
        if (!Number.isInteger(command.port) || command.port <= 0 || command.port > 65535) throw new MediaError('internal', `tap port ${command.port} is not a UDP port`);
        const tap = await RtpTap.open(command.tapId, command.kind, command.port, command.payloadType, command.maxLayer);
        if (this.routers.get(router.id) !== router) {
          tap.close();
          throw new MediaError('not_found', `router ${router.id} closed`);
        }
        router.taps.set(tap.id, tap);
        this.tapRouter.set(tap.id, router);
        return { ssrc: tap.slot.ssrc };
      }
      case 'setRtpTapSource': {
        const router = this.tapRouter.get(command.tapId);
        const tap = router?.taps.get(command.tapId);
        if (!router || !tap) throw new MediaError('not_found', `tap ${command.tapId} not found`);
        if (command.producerId === null) {
          tap.detach();
          return {};
        }
        const producer = router.producers.get(command.producerId);
        if (!producer) throw new MediaError('not_found', `producer ${command.producerId} not found`);
        tap.attach(producer, performance.now());
        return {};
      }
      case 'closeRtpTap': {
        const router = this.tapRouter.get(command.tapId);
        router?.taps.get(command.tapId)?.close();
        router?.taps.delete(command.tapId);
        this.tapRouter.delete(command.tapId);
        return {};
      }
      case 'stats':
        return this.stats();
      case 'quality':
        return qualityReport(this.routers.values());
    }
  }

  private async handlePipe(command: PipeCommand): Promise<PipeResults[PipeCommand['op']]> {
    switch (command.op) {
      case 'pipeOut': {
        const producer = this.router(command.routerId).producers.get(command.producerId);
        if (!producer) throw new MediaError('not_found', `producer ${command.producerId} not found`);
        return { params: await this.pipes.pipeOut(producer, command.pipeId, command.toPort) };
      }
      case 'pipeIn': {
        const router = this.router(command.routerId);
        if (router.producers.has(command.producerId)) throw new MediaError('internal', `producer ${command.producerId} exists`);
        const producer = await this.pipes.pipeIn(command.params, command.pipeId, command.fromPort, () => {
          if (router.producers.get(producer.id) === producer) router.removeProducer(producer);
        });
        router.producers.set(producer.id, producer);
        return {};
      }
      case 'closePipe':
        this.pipes.closePipe(command.pipeId);
        return {};
    }
  }

  private router(id: string): Router {
    const router = this.routers.get(id);
    if (!router) throw new MediaError('not_found', `router ${id} not found`);
    return router;
  }

  private subscriber(id: string): SubscriberTransport {
    const transport = this.subscribers.get(id);
    if (!transport) throw new MediaError('not_found', `subscriber transport ${id} not found`);
    return transport;
  }

  private closeTransport(id: string): void {
    const publisher = this.publishers.get(id);
    if (publisher) {
      this.publishers.delete(id);
      const router = this.routers.get(publisher.routerId);
      router?.removeProducer(publisher.producer);
      this.overload.onProducerClosed(publisher.producer);
      this.pipes.forgetProducer(publisher.producer);
      publisher.close();
    }
    const subscriber = this.subscribers.get(id);
    if (subscriber) {
      this.subscribers.delete(id);
      this.routers.get(subscriber.routerId)?.removeSubscriber(subscriber);
      subscriber.close();
    }
    for (const [consumerId, router] of this.consumerRouter) if (!router.consumers.has(consumerId)) this.consumerRouter.delete(consumerId);
  }

  private onTransportState(transportId: string, state: string): void {
    if (state === 'connected') this.emit({ ev: 'transportConnected', transportId });
    if (state === 'failed' || state === 'closed') {
      if (!this.publishers.has(transportId) && !this.subscribers.has(transportId)) return;
      this.emit({ ev: 'transportClosed', transportId, reason: state });
    }
  }

  private lastTickMs = performance.now();

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTickMs;
    this.lastTickMs = now;
    // A late tick means this thread was busy or starved: incoming media queued up behind it.
    if (elapsed > 3 * TICK_MS && log.isLevelEnabled('debug')) log.debug({ tickGapMs: Math.round(elapsed), rtcPort: this.options.rtcPort }, 'media tick late');
    // A throw in one room's periodic work must neither kill the worker (an exception out of a
    // timer is fatal) nor stop the other rooms' ticks.
    for (const router of this.routers.values()) {
      try {
        router.tick(now, elapsed);
      } catch (err) {
        reportPacketError(err, 'tick');
      }
    }
    try {
      this.overload.tick(this.allProducers(), now);
    } catch (err) {
      reportPacketError(err, 'tick');
    }
  }

  private *allProducers(): Iterable<Producer> {
    for (const router of this.routers.values()) yield* router.producers.values();
  }

  private stats(): MediaStats {
    let producers = 0;
    let consumers = 0;
    let packetsIn = 0;
    let packetsOut = this.packetsOutClosed;
    let sendErrors = 0;
    let fastStarts = this.fastStartsClosed;
    const memory = process.memoryUsage();
    for (const router of this.routers.values()) {
      producers += router.producers.size;
      consumers += router.consumers.size;
      for (const p of router.producers.values()) packetsIn += p.packetsIn;
      for (const c of router.consumers.values()) {
        packetsOut += c.packetsSent;
        sendErrors += c.sendErrors;
        fastStarts += c.fastStarts;
      }
    }
    return {
      routers: this.routers.size,
      transports: this.publishers.size + this.subscribers.size,
      producers,
      consumers,
      packetsIn,
      packetsOut,
      sendErrors,
      fastStarts,
      shedVideoPackets: this.overload.shedVideoPackets,
      shedAudioPackets: this.overload.shedAudioPackets,
      latenessMs: Math.round(this.overload.latenessMs),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      packetErrors: mediaCounters.packetErrors,
      rtcpDropped: mediaCounters.rtcpDropped + mediaCounters.transportCcDropped,
    };
  }

  close(): void {
    clearInterval(this.timer);
    for (const id of [...this.publishers.keys(), ...this.subscribers.keys()]) this.closeTransport(id);
    for (const router of this.routers.values()) router.close();
    this.routers.clear();
    this.muxListener.stop();
    this.pipes.close();
  }
}
