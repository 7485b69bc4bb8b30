import { describe, expect, it } from 'vitest';
import { familiesToJson, labelWorker, mergeMetrics } from './prometheus.js';

describe('mergeMetrics', () => {
  it('writes our families and per-worker sets as one exposition, each series kept with its labels and escaped', async () => {
    const families = familiesToJson([
      { name: 'roomkit_rooms', help: 'Rooms open.', type: 'gauge', samples: [{ value: 3 }] },
      { name: 'roomkit_media_shed_packets_total', help: 'Shed.', type: 'counter', samples: [{ labels: { worker: 0, kind: 'video' }, value: 12 }, { labels: { worker: 'a"b\\c' }, value: NaN }] },
    ]);
    // Two workers reporting the same runtime gauge (prom-client's default aggregator for it keeps one): both stay.
    const runtime = (v: number) => [{ name: 'process_resident_memory_bytes', help: 'RSS.', type: 'gauge', aggregator: 'first', values: [{ labels: {}, value: v }] }] as never;
    const { text, contentType } = await mergeMetrics([families, labelWorker(runtime(100), 0), labelWorker(runtime(200), 1)]);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE roomkit_rooms gauge\nroomkit_rooms 3\n');
    expect(text).toContain('roomkit_media_shed_packets_total{worker="0",kind="video"} 12');
    expect(text).toContain('roomkit_media_shed_packets_total{worker="a\\"b\\\\c"} 0');
    expect(text).toContain('process_resident_memory_bytes{worker="0"} 100\nprocess_resident_memory_bytes{worker="1"} 200');
    expect(text.match(/# TYPE process_resident_memory_bytes/g)).toHaveLength(1);
  });
});
