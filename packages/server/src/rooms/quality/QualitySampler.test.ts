// QualitySampler on crafted media reports (as the `quality` command answers them) and a room shaped
// as the rooms layer keeps it: which producer and subscriber slot belong to whom and what kind,
// differences between rounds, upstream loss taken off the receive side, hidden participants left
// out, and the SDK report rate limit.
import { describe, expect, it } from 'vitest';
import { ErrorCode, RoomkitError } from '@roomkit/protocol';
import type { MediaEngine, ProducerQuality, QualityReport, SubscriberSlotQuality } from '../../media/types.js';
import type { Room } from '../Room.js';
import type { Participant } from '../Participant.js';
import { QualitySampler } from './QualitySampler.js';
import type { QualitySample } from './types.js';

const producer = (producerId: string, kind: 'audio' | 'video', expected: number, fresh: number, bytes: number): ProducerQuality => ({
  producerId, kind, packetsExpected: expected, packetsReceived: fresh, packetsLate: 0, bytesReceived: bytes, jitterMs: 2,
});
const slot = (kind: 'audio' | 'video', consumerId: string | null, sent: number, bytes: number, fractionLost: number, rttMs: number): SubscriberSlotQuality => ({
  kind, consumerId, packetsSent: sent, bytesSent: bytes, reports: 1, fractionLost, jitterMs: 5, rttMs,
});

function participant(id: string, streams: Array<[string, 'audio' | 'video' | 'share', string]>, consumers: Array<[string, string]>, extra: Partial<Participant> = {}): Participant {
  return {
    id, hidden: false, left: false, subscriberTransportId: `${id}.sub`,
    streams: new Map(streams.map(([streamId, kind, transportId]) => [kind, { id: streamId, kind, codec: 'x', transportId }])),
    consumers: new Map(consumers),
    ...extra,
  } as unknown as Participant;
}

/** Ada publishes cam + mic (5 % uplink loss on video); Bo receives both (reports 6 % on the video slot, 1 % on audio). */
function setup() {
  const ada = participant('ada', [['s-cam', 'video', 'ada.video.0'], ['s-mic', 'audio', 'ada.audio.1']], []);
  const bo = participant('bo', [], [['s-cam', 'c-cam'], ['s-mic', 'c-mic']]);
  const egress = participant('rec', [], [['s-cam', 'c-rec']], { hidden: true } as Partial<Participant>);
  const room = { id: 'room', sessionId: 'sess', closed: false, participants: new Map([['ada', ada], ['bo', bo], ['rec', egress]]) } as unknown as Room;
  let report: QualityReport = { producers: [], subscribers: [] };
  const media = { request: async () => report } as unknown as MediaEngine;
  const recorded: QualitySample[][] = [];
  const sampler = new QualitySampler(media, () => [room], { record: (s) => recorded.push(s) }, 0);
  return { room, ada, bo, sampler, recorded, set: (r: QualityReport) => (report = r) };
}

describe('QualitySampler', () => {
  it('first round only sets the baseline; the next one maps producers and slots to participants and kinds', async () => {
    const { sampler, recorded, set, room, ada } = setup();
    set({ producers: [producer('ada.video.0', 'video', 1000, 1000, 100_000), producer('ada.audio.1', 'audio', 500, 500, 10_000)], subscribers: [{ transportId: 'bo.sub', slots: [slot('video', 'c-cam', 900, 90_000, 0, 30), slot('audio', 'c-mic', 500, 10_000, 0, 30)] }] });
    expect(await sampler.sampleOnce()).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    set({
      producers: [producer('ada.video.0', 'video', 2000, 1950, 200_000), producer('ada.audio.1', 'audio', 1000, 1000, 20_000)],
      subscribers: [{ transportId: 'bo.sub', slots: [slot('video', 'c-cam', 1850, 185_000, 0.06, 40), slot('audio', 'c-mic', 1000, 20_000, 0.01, 40)] }],
    });
    const samples = await sampler.sampleOnce();
    expect(samples.map((s) => s.participantId).sort()).toEqual(['ada', 'bo']);
    const adaSample = samples.find((s) => s.participantId === 'ada')!;
    expect(adaSample.send.video!.lossPct).toBe(5);
    expect(adaSample.send.audio!.lossPct).toBe(0);
    expect(adaSample.send.video!.rttMs).toBeNull(); // Ada receives nothing: no RTT of hers is known
    expect(adaSample.recv).toEqual({});
    const boSample = samples.find((s) => s.participantId === 'bo')!;
    // 6 % reported by Bo, 5 % of it already lost on Ada's uplink: Bo's downlink lost 1 %.
    expect(boSample.recv.video!.lossPct).toBe(1);
    expect(boSample.recv.audio!.lossPct).toBe(1);
    expect(boSample.recv.video!.rttMs).toBe(40);
    expect(boSample.send).toEqual({});
    expect(adaSample.videoScore!).toBeLessThan(boSample.videoScore!);
    expect(recorded).toHaveLength(1);
    expect(sampler.latest('sess', 'ada')).toBe(adaSample);
    expect(sampler.latest('sess', 'rec')).toBeNull();
    // A participant who left is not sampled; one whose streams carried nothing this round neither.
    (ada as { left: boolean }).left = true;
    set({
      producers: [producer('ada.video.0', 'video', 3000, 2950, 300_000)],
      subscribers: [{ transportId: 'bo.sub', slots: [slot('video', 'c-cam', 2850, 285_000, 0, 40), slot('audio', 'c-mic', 1000, 20_000, 0, 40)] }],
    });
    expect((await sampler.sampleOnce()).map((s) => s.participantId)).toEqual(['bo']);
    expect(room.sessionId).toBe('sess');
  });

  it('a media read that fails yields no samples and no throw', async () => {
    const media = { request: async () => { throw new Error('worker gone'); } } as unknown as MediaEngine;
    const sampler = new QualitySampler(media, () => [], { record: () => { throw new Error('must not be called'); } }, 0);
    expect(await sampler.sampleOnce()).toEqual([]);
  });

  it('an SDK report is recorded as source sdk with its scores; a second within 2 s is RATE_LIMITED', () => {
    const { sampler, recorded, room, bo } = setup();
    sampler.acceptClientReport(room, bo, { t: 'qualityReport', rid: 1, recv: { video: { lossPct: 3, jitterMs: 5, bitrateBps: 800_000, framesPerSecond: 12 } } });
    expect(recorded[0]![0]).toMatchObject({ source: 'sdk', participantId: 'bo', recv: { video: { lossPct: 3, rttMs: null, framesPerSecond: 12 } }, audioScore: null });
    expect(recorded[0]![0]!.videoScore).toBeLessThan(3);
    let error: unknown;
    try {
      sampler.acceptClientReport(room, bo, { t: 'qualityReport', rid: 2 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RoomkitError);
    expect((error as RoomkitError).code).toBe(ErrorCode.RATE_LIMITED);
    expect(recorded).toHaveLength(1);
  });
});
