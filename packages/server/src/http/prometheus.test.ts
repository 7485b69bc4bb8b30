import { describe, expect, it } from 'vitest';
import { formatPrometheus } from './prometheus.js';

describe('formatPrometheus', () => {
  it('writes HELP, TYPE and one line per sample with escaped labels', () => {
    const text = formatPrometheus([
      { name: 'roomkit_rooms', help: 'Rooms open.', type: 'gauge', samples: [{ value: 3 }] },
      { name: 'roomkit_media_shed_packets_total', help: 'Shed.', type: 'counter', samples: [{ labels: { worker: 0, kind: 'video' }, value: 12 }, { labels: { worker: 'a"b\\c' }, value: NaN }] },
    ]);
    expect(text).toBe(
      [
        '# HELP roomkit_rooms Rooms open.',
        '# TYPE roomkit_rooms gauge',
        'roomkit_rooms 3',
        '# HELP roomkit_media_shed_packets_total Shed.',
        '# TYPE roomkit_media_shed_packets_total counter',
        'roomkit_media_shed_packets_total{worker="0",kind="video"} 12',
        'roomkit_media_shed_packets_total{worker="a\\"b\\\\c"} 0',
        '',
      ].join('\n'),
    );
  });
});
