// A room's media: its producers, subscriber transports and consumers, and the periodic work on
// them (layer choice, feedback to publishers, active speaker). Rooms name it; it knows no rooms.
import type { Producer } from './Producer.js';
import type { Consumer } from './Consumer.js';
import type { SubscriberTransport } from './SubscriberTransport.js';
import type { RtpTap } from './RtpTap.js';
import { ActiveSpeakerDetector } from './ActiveSpeakerDetector.js';
import { BandwidthAllocator } from './BandwidthAllocator.js';
import type { LayerIndex } from './types.js';

const FEEDBACK_INTERVAL_MS = 1000;
const SPEAKER_INTERVAL_MS = 400;
const ALLOCATION_INTERVAL_MS = 500;

export class Router {
  readonly producers = new Map<string, Producer>();
  readonly subscribers = new Map<string, SubscriberTransport>();
  readonly consumers = new Map<string, Consumer>();
  /** Plain-RTP taps feeding recorders (see RtpTap), by tap id. */
  readonly taps = new Map<string, RtpTap>();
  private readonly speaker = new ActiveSpeakerDetector();
  private lastFeedbackMs = 0;
  private lastSpeakerMs = 0;
  private lastAllocationMs = 0;
  private readonly allocators = new WeakMap<SubscriberTransport, BandwidthAllocator>();
  /** The layer each video consumer was last reported forwarding. */
  private readonly reportedLayers = new Map<Consumer, number>();

  constructor(
    readonly id: string,
    private readonly onActiveSpeaker: (producerId: string | null) => void,
    /** A consumer switched layers: the subscriber hears it as video-quality-changed. */
    private readonly onConsumerLayer: (consumerId: string, layer: LayerIndex) => void = () => {},
  ) {}

  removeProducer(producer: Producer): void {
    this.producers.delete(producer.id);
    for (const consumer of this.consumers.values()) {
      if (consumer.producer === producer) {
        consumer.close();
        this.consumers.delete(consumer.id);
        this.reportedLayers.delete(consumer);
      }
    }
    for (const tap of this.taps.values()) if (tap.producer === producer) tap.detach();
    if (producer.kind === 'audio') {
      const wasSpeaker = this.speaker.speaker === producer.id;
      this.speaker.remove(producer.id);
      if (wasSpeaker) this.onActiveSpeaker(null);
    }
  }

  removeSubscriber(transport: SubscriberTransport): void {
    this.subscribers.delete(transport.id);
    for (const slot of transport.slots) {
      const consumer = slot.consumer;
      if (consumer) this.closeConsumer(consumer.id);
    }
  }

  closeConsumer(consumerId: string): void {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) return;
    consumer.close();
    this.consumers.delete(consumerId);
    this.reportedLayers.delete(consumer);
  }

  tick(nowMs: number, elapsedMs: number): void {
    for (const producer of this.producers.values()) producer.tick(nowMs, elapsedMs);
    for (const consumer of this.consumers.values()) {
      consumer.update(nowMs);
      this.reportLayer(consumer);
    }
    for (const tap of this.taps.values()) tap.update(nowMs);
    const allocate = nowMs - this.lastAllocationMs >= ALLOCATION_INTERVAL_MS;
    const allocationElapsed = nowMs - this.lastAllocationMs;
    if (allocate) this.lastAllocationMs = nowMs;
    const speakerGroup = this.speaker.speaker === null ? null : (this.producers.get(this.speaker.speaker)?.group ?? null);
    for (const transport of this.subscribers.values()) {
      let allocator = this.allocators.get(transport);
      if (!allocator) {
        allocator = new BandwidthAllocator(transport);
        this.allocators.set(transport, allocator);
      }
      if (allocate) allocator.allocate(this.consumersOf(transport), speakerGroup, nowMs, allocationElapsed);
      transport.sendReports(nowMs);
    }
    if (nowMs - this.lastFeedbackMs >= FEEDBACK_INTERVAL_MS) {
      this.lastFeedbackMs = nowMs;
      for (const producer of this.producers.values()) producer.sendFeedback(nowMs);
    }
    if (nowMs - this.lastSpeakerMs >= SPEAKER_INTERVAL_MS) {
      this.lastSpeakerMs = nowMs;
      const levels = new Map<string, number>();
      for (const producer of this.producers.values()) {
        if (producer.kind === 'audio') levels.set(producer.id, producer.takeAudioLevel());
      }
      if (this.speaker.update(levels)) this.onActiveSpeaker(this.speaker.speaker);
    }
  }

  /** Reports a simulcast consumer's forwarded layer when it changed (not while it waits or is paused). */
  private reportLayer(consumer: Consumer): void {
    const layer = consumer.currentLayer;
    if (layer < 0 || !consumer.producer.simulcast || this.reportedLayers.get(consumer) === layer) return;
    this.reportedLayers.set(consumer, layer);
    this.onConsumerLayer(consumer.id, layer as LayerIndex);
  }

  private consumersOf(transport: SubscriberTransport): Consumer[] {
    const list: Consumer[] = [];
    for (const slot of transport.slots) {
      const consumer = slot.consumer ? this.consumers.get(slot.consumer.id) : undefined;
      if (consumer) list.push(consumer);
    }
    return list;
  }

  close(): void {
    for (const consumer of this.consumers.values()) consumer.close();
    this.consumers.clear();
    for (const tap of this.taps.values()) tap.close();
    this.taps.clear();
    this.reportedLayers.clear();
  }
}
