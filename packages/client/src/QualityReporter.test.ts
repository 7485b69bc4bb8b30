// The SDK's quality summary from getStats()-shaped reports: deltas between two readings, per kind and
// direction, loss from the receiver's view, bounded to what the server's schema accepts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { qualityReportRequestSchema } from '@roomkit/protocol';
import { QualityReporter, summarizeQuality, type StatsSource } from './QualityReporter.js';
import { SDK_VERSION } from './constants.js';

const send = (kind: 'audio' | 'video' | 'share'): StatsSource => ({ direction: 'send', kind, stats: async () => new Map() });
const recv: StatsSource = { direction: 'recv', stats: async () => new Map() };
const report = (...stats: Array<Record<string, unknown>>) => new Map(stats.map((s) => [String(s.id), s]));

describe('summarizeQuality', () => {
  it('reports nothing on the first reading, then bitrate, loss, jitter, RTT and frame rate per kind', () => {
    const previous = new Map();
    const pair = { id: 'cp', type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.04 };
    const at = (bytes: number, lost: number, received: number, sentBytes: number) => [
      { source: recv, report: report(pair, { id: 'in-v', type: 'inbound-rtp', kind: 'video', bytesReceived: bytes, packetsLost: lost, packetsReceived: received, jitter: 0.012, framesPerSecond: 25 }) },
      { source: send('video'), report: report({ id: 'out-v', type: 'outbound-rtp', kind: 'video', bytesSent: sentBytes, framesPerSecond: 30, remoteId: 'ri' }, { id: 'ri', type: 'remote-inbound-rtp', fractionLost: 0.05, jitter: 0.003, roundTripTime: 0.08 }) },
    ];
    expect(summarizeQuality(at(0, 0, 0, 0), previous, 1000)).toEqual({});
    const r = summarizeQuality(at(125_000, 5, 95, 250_000), previous, 11_000);
    expect(r.recv!.video).toEqual({ lossPct: 5, jitterMs: 12, bitrateBps: 100_000, rttMs: 40, framesPerSecond: 25 });
    expect(r.send!.video).toEqual({ lossPct: 5, jitterMs: 3, bitrateBps: 200_000, rttMs: 80, framesPerSecond: 30 });
    expect(qualityReportRequestSchema.safeParse({ t: 'qualityReport', rid: 1, ...r }).success).toBe(true);
  });

  it('keeps a screen share apart from the camera, leaves frame rate off audio, and forgets streams that went away', () => {
    const previous = new Map();
    const share = (bytes: number) => ({ source: send('share'), report: report({ id: 'out-s', type: 'outbound-rtp', kind: 'video', bytesSent: bytes, framesPerSecond: 5 }) });
    const mic = (bytes: number) => ({ source: send('audio'), report: report({ id: 'out-a', type: 'outbound-rtp', kind: 'audio', bytesSent: bytes, framesPerSecond: 50 }) });
    summarizeQuality([share(0), mic(0)], previous, 0);
    const r = summarizeQuality([share(10_000), mic(40_000)], previous, 10_000);
    expect(r.send!.share).toMatchObject({ bitrateBps: 8_000, framesPerSecond: 5 });
    expect(r.send!.audio).toEqual({ lossPct: 0, jitterMs: 0, bitrateBps: 32_000 });
    expect(r.send!.video).toBeUndefined();
    summarizeQuality([mic(80_000)], previous, 20_000);
    expect([...previous.keys()]).toEqual(['out-a']);
  });

  it('clamps garbage from a browser into the schema: counters that went backwards, absurd values', () => {
    const previous = new Map();
    const at = (bytes: number, jitter: number) => [{ source: recv, report: report({ id: 'in-a', type: 'inbound-rtp', kind: 'audio', bytesReceived: bytes, packetsLost: -3, packetsReceived: 10, jitter }) }];
    summarizeQuality(at(1_000_000, 0), previous, 0);
    const r = summarizeQuality(at(10, 1e9), previous, 1);
    expect(r.recv!.audio).toEqual({ lossPct: 0, jitterMs: 60_000, bitrateBps: 0 });
    expect(qualityReportRequestSchema.safeParse({ t: 'qualityReport', rid: 1, ...r }).success).toBe(true);
  });
});

describe('QualityReporter', () => {
  it('sends only when there is something to say, and survives a stats read that throws', async () => {
    const sent: unknown[] = [];
    let bytes = 0;
    const sources: StatsSource[] = [
      { direction: 'recv', stats: async () => report({ id: 'in', type: 'inbound-rtp', kind: 'audio', bytesReceived: (bytes += 1000), packetsLost: 0, packetsReceived: 50 }) },
    ];
    const reporter = new QualityReporter(() => sources, async (r) => sent.push(r), 60_000);
    await reporter.tick();
    expect(sent).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    await reporter.tick();
    expect(sent).toHaveLength(1);
    sources.push({ direction: 'send', kind: 'video', stats: async () => { throw new Error('closed'); } });
    await expect(reporter.tick()).resolves.toBeUndefined();
  });
});

it('SDK_VERSION is the package version', () => {
  expect(SDK_VERSION).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
});
