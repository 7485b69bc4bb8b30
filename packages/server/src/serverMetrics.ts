// What GET /metrics reports: rooms and connections from the server, each media worker's own
// figures (labelled worker="0".."N-1", or "main" for in-process media), this process's registry
// (runtime metrics, histograms, error counters) and each worker's runtime metrics. Read on demand
// at scrape time, no polling.
import { familiesToJson, labelWorker, mergeMetrics, type MetricFamily } from './http/prometheus.js';
import type { MediaEngine, MediaStats } from './media/types.js';
import type { RuntimeMetrics } from './media/workerRuntimeMetrics.js';
import { appRegistry } from './metrics/appMetrics.js';

interface PerWorker {
  workerStats(): Promise<Array<{ worker: number; stats: MediaStats; cpuCores: number }>>;
  workerRuntimeMetrics(): Promise<Array<{ worker: number; metrics: RuntimeMetrics }>>;
}

/** The whole /metrics answer (Prometheus text format 0.0.4). */
export async function scrapeMetrics(media: MediaEngine, server: { rooms: number; participants: number; connections: number }): Promise<{ contentType: string; text: string }> {
  const [families, app, workers] = await Promise.all([collectMetrics(media, server), appRegistry.getMetricsAsJSON(), hasWorkers(media) ? media.workerRuntimeMetrics() : []]);
  return mergeMetrics([familiesToJson(families), app, ...workers.map((w) => labelWorker(w.metrics, w.worker))]);
}

const hasWorkers = (media: MediaEngine): media is MediaEngine & PerWorker => typeof (media as Partial<PerWorker>).workerStats === 'function';

export async function collectMetrics(media: MediaEngine, server: { rooms: number; participants: number; connections: number }): Promise<MetricFamily[]> {
  const workers: Array<{ worker: string | number; stats: MediaStats; cpuCores?: number }> = hasWorkers(media)
    ? await media.workerStats()
    : [{ worker: 'main', stats: await media.request({ op: 'stats' }) }];
  const per = (pick: (s: MediaStats) => number) => workers.map((w) => ({ labels: { worker: w.worker }, value: pick(w.stats) }));
  return [
    { name: 'roomkit_rooms', help: 'Rooms with a running session.', type: 'gauge', samples: [{ value: server.rooms }] },
    { name: 'roomkit_participants', help: 'Participants in meetings (egress compositors not counted).', type: 'gauge', samples: [{ value: server.participants }] },
    { name: 'roomkit_signaling_connections', help: 'Open signaling WebSockets.', type: 'gauge', samples: [{ value: server.connections }] },
    { name: 'roomkit_media_workers', help: 'Live media workers (0: media runs in the server process).', type: 'gauge', samples: [{ value: hasWorkers(media) ? workers.length : 0 }] },
    { name: 'roomkit_media_transports', help: 'PeerConnections (publish and subscribe).', type: 'gauge', samples: per((s) => s.transports) },
    { name: 'roomkit_media_producers', help: 'Incoming tracks.', type: 'gauge', samples: per((s) => s.producers) },
    { name: 'roomkit_media_consumers', help: 'Forwarded streams.', type: 'gauge', samples: per((s) => s.consumers) },
    { name: 'roomkit_media_packets_in_total', help: 'RTP packets received from publishers.', type: 'counter', samples: per((s) => s.packetsIn) },
    { name: 'roomkit_media_packets_out_total', help: 'RTP packets forwarded to subscribers.', type: 'counter', samples: per((s) => s.packetsOut) },
    { name: 'roomkit_media_send_errors_total', help: 'Forwarded packets the transport refused.', type: 'counter', samples: per((s) => s.sendErrors) },
    { name: 'roomkit_media_packet_errors_total', help: 'Packets whose handling threw in the media worker (caught, counted and dropped; the worker lives on).', type: 'counter', samples: per((s) => s.packetErrors) },
    { name: 'roomkit_media_rtcp_dropped_total', help: 'Subscriber RTCP dropped by the per-subscriber caps (RTCP packets per second, transport-cc statuses per second).', type: 'counter', samples: per((s) => s.rtcpDropped) },
    { name: 'roomkit_media_fast_starts_total', help: 'Video starts, switches and resumes served by replaying a recent keyframe instead of waiting for one.', type: 'counter', samples: per((s) => s.fastStarts) },
    {
      name: 'roomkit_media_shed_packets_total',
      help: 'Incoming packets dropped because they reached the worker too late (overload).',
      type: 'counter',
      samples: workers.flatMap((w) => [
        { labels: { worker: w.worker, kind: 'video' }, value: w.stats.shedVideoPackets },
        { labels: { worker: w.worker, kind: 'audio' }, value: w.stats.shedAudioPackets },
      ]),
    },
    { name: 'roomkit_media_worker_resident_bytes', help: 'Resident memory of the media worker process (for "main": the server process).', type: 'gauge', samples: per((s) => s.rssBytes) },
    { name: 'roomkit_media_worker_heap_used_bytes', help: 'JS heap in use in the media worker process.', type: 'gauge', samples: per((s) => s.heapUsedBytes) },
    {
      name: 'roomkit_media_worker_cpu_cores',
      help: 'CPU the media worker process used over the last second (all its threads), in cores; rooms span to another worker when it is busy.',
      type: 'gauge',
      samples: workers.flatMap((w) => (w.cpuCores === undefined ? [] : [{ labels: { worker: w.worker }, value: w.cpuCores }])),
    },
    { name: 'roomkit_media_lateness_ms', help: 'Highest lateness of incoming media over the last second, in ms (grows when the worker falls behind).', type: 'gauge', samples: per((s) => s.latenessMs) },
  ];
}
