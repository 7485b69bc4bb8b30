// Reads the quality figures the packet path already keeps (ReceiveStats, slot counters, the last
// receiver report) into plain objects for the `quality` command. Runs every few seconds, never per
// packet: the only allocation of quality statistics is here.
import type { Producer } from './Producer.js';
import type { SubscriberTransport } from './SubscriberTransport.js';
import type { ProducerQuality, QualityReport, SubscriberQuality } from './types.js';

export function producerQuality(producer: Producer): ProducerQuality {
  const q: ProducerQuality = { producerId: producer.id, kind: producer.kind, packetsExpected: 0, packetsReceived: 0, packetsLate: 0, bytesReceived: 0, jitterMs: 0 };
  const now = performance.now();
  for (let i = 0; i < producer.layers.length; i++) {
    const layer = producer.layers[i];
    if (!layer) continue;
    const s = layer.stats;
    q.packetsExpected += s.packetsExpected;
    q.packetsReceived += s.packetsReceived;
    q.packetsLate += s.packetsLate;
    q.bytesReceived += s.bytesReceived;
    // A paused simulcast layer keeps the jitter it last had: only live layers count.
    if (producer.isLayerLive(i, now)) q.jitterMs = Math.max(q.jitterMs, (s.jitter * 1000) / s.clockRate);
  }
  return q;
}

export function subscriberQuality(transport: SubscriberTransport): SubscriberQuality {
  return {
    transportId: transport.id,
    slots: transport.slots.map((slot) => ({
      kind: slot.kind,
      consumerId: slot.consumer?.id ?? null,
      packetsSent: slot.packetsSentTotal,
      bytesSent: slot.octetsSentTotal,
      reports: slot.report.count,
      fractionLost: slot.report.fractionLost,
      jitterMs: (slot.report.jitter * 1000) / (slot.kind === 'video' ? 90000 : 48000),
      rttMs: slot.report.rttMs,
    })),
  };
}

/** Every publisher's own producer and every subscriber transport of these routers. */
export function qualityReport(routers: Iterable<{ producers: Map<string, Producer>; subscribers: Map<string, SubscriberTransport> }>): QualityReport {
  const report: QualityReport = { producers: [], subscribers: [] };
  for (const router of routers) {
    for (const producer of router.producers.values()) if (producer.keyframeRelay === null) report.producers.push(producerQuality(producer));
    for (const transport of router.subscribers.values()) report.subscribers.push(subscriberQuality(transport));
  }
  return report;
}
