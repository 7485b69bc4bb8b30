// The egress config as VideoSDK apps send it: numeric fields may be numeric strings (the react-hls
// quickstart's `gridSize: "20"`), for HLS, recording and livestream, over REST and signaling alike.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { compositeConfigSchema } from './egress.js';
import { startEgressRequestSchema } from './messages.js';
import { startRecordingBodySchema } from './rest.js';
import { startHlsBodySchema, startLivestreamBodySchema } from './streaming.js';

/** What VideoSDK's react-hls quickstart passes to `startHls`, verbatim. */
const QUICKSTART_HLS_CONFIG = {
  layout: { type: 'SPOTLIGHT', priority: 'PIN', gridSize: '20' },
  theme: 'DARK',
  mode: 'video-and-audio',
  quality: 'high',
  orientation: 'landscape',
};

const outputs = [{ url: 'rtmp://127.0.0.1/live', streamKey: 'k' }];
/** Every schema a composite config reaches, wrapping `config` as each caller sends it. */
const carriers: [string, z.ZodTypeAny, (config: unknown) => unknown][] = [
  ['compositeConfigSchema', compositeConfigSchema, (config) => config],
  ['POST /v2/hls/start', startHlsBodySchema, (config) => ({ roomId: 'r1', config })],
  ['POST /v2/recordings/start', startRecordingBodySchema, (config) => ({ roomId: 'r1', config })],
  ['POST /v2/livestreams/start', startLivestreamBodySchema, (config) => ({ roomId: 'r1', outputs, config })],
  ['signaling startEgress hls', startEgressRequestSchema, (config) => ({ t: 'startEgress', rid: 1, kind: 'hls', config })],
  ['signaling startEgress recording', startEgressRequestSchema, (config) => ({ t: 'startEgress', rid: 1, kind: 'recording', config })],
  ['signaling startEgress livestream', startEgressRequestSchema, (config) => ({ t: 'startEgress', rid: 1, kind: 'livestream', outputs, config })],
];
const configOf = (carrier: string, data: any) => (carrier === 'compositeConfigSchema' ? data : data.config);
const pathOf = (carrier: string, path: (string | number)[]) => (carrier === 'compositeConfigSchema' ? path : ['config', ...path]);

describe('composite config: lenient where VideoSDK is', () => {
  it.each(carriers)('%s accepts the react-hls quickstart config and reads gridSize "20" as 20', (carrier, schema, wrap) => {
    const parsed = schema.safeParse(wrap(QUICKSTART_HLS_CONFIG));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(configOf(carrier, parsed.data)).toEqual({ ...QUICKSTART_HLS_CONFIG, layout: { type: 'SPOTLIGHT', priority: 'PIN', gridSize: 20 } });
  });

  it.each(carriers)('%s accepts gridSize as a number and numeric strings with spaces, within 1..25', (carrier, schema, wrap) => {
    for (const [given, read] of [[7, 7], ['1', 1], [' 25 ', 25], ['+3', 3], ['4.0', 4]] as const) {
      const parsed = schema.safeParse(wrap({ layout: { gridSize: given } }));
      expect(parsed.success, `${JSON.stringify(given)}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(configOf(carrier, parsed.data).layout.gridSize).toBe(read);
    }
  });

  it.each(carriers)('%s still refuses non-numbers and out-of-range values, naming layout.gridSize', (carrier, schema, wrap) => {
    for (const bad of ['twenty', '', '  ', '20px', '0x14', '1e1', '0', '26', '-1', '2.5', 0, 26, 2.5, true, null, [20], { n: 20 }]) {
      const parsed = schema.safeParse(wrap({ layout: { gridSize: bad } }));
      expect(parsed.success, JSON.stringify(bad)).toBe(false);
      expect(parsed.error!.issues[0]!.path, JSON.stringify(bad)).toEqual(pathOf(carrier, ['layout', 'gridSize']));
    }
  });

  it('keeps refusing unknown values of the other fields, naming them', () => {
    for (const [config, path] of [
      [{ theme: 'dark' }, ['theme']],
      [{ mode: 'video' }, ['mode']],
      [{ quality: 'ultra' }, ['quality']],
      [{ orientation: 'square' }, ['orientation']],
      [{ layout: { type: 'MOSAIC' } }, ['layout', 'type']],
      [{ layout: { priority: 'LOUDEST' } }, ['layout', 'priority']],
    ] as const) {
      const parsed = compositeConfigSchema.safeParse(config);
      expect(parsed.success, JSON.stringify(config)).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(path);
    }
  });
});
