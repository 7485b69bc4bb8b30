import { describe, expect, it } from 'vitest';
import { UNSUPPORTED } from './compatMembers.js';
import { Meeting } from './Meeting.js';
import { Participant } from './Participant.js';
import { Stream } from './Stream.js';

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: number; message?: string }) => e.code);

function fakeTrack(kind: string) {
  const t = new EventTarget() as EventTarget & Record<string, unknown>;
  Object.assign(t, { kind, readyState: 'live', label: 'Fake', getSettings: () => ({ deviceId: 'dev1', groupId: 'g1', displaySurface: 'monitor' }) });
  return t as unknown as MediaStreamTrack;
}

describe('js-sdk members Roomkit lacks', () => {
  const meeting = new Meeting({ meetingId: 'compat-room', signalingBaseUrl: 'http://127.0.0.1:1' }, undefined);

  it.each(Object.entries(UNSUPPORTED.Meeting))('meeting.%s() rejects with 3068 and says why', async (name, why) => {
    const p = (meeting as unknown as Record<string, () => Promise<unknown>>)[name]!();
    const err = await p.catch((e: Error) => e);
    expect((err as { code: number }).code).toBe(3068);
    expect((err as Error).message).toContain(why);
  });

  it('isE2EEEnabled is false; selected devices are null with no local stream; enableAdaptiveSubscription resolves (always on)', async () => {
    expect(meeting.isE2EEEnabled).toBe(false);
    expect(meeting.selectedCameraDevice).toBeNull();
    expect(meeting.selectedMicrophoneDevice).toBeNull();
    await expect(meeting.enableAdaptiveSubscription()).resolves.toBeUndefined();
  });

  it('replaceWebcamStream without a MediaStream rejects with 3073', async () => {
    expect(await codeOf(meeting.replaceWebcamStream({} as MediaStream))).toBe(3073);
  });

  it('selectedCameraDevice comes from the local webcam track', () => {
    meeting.localParticipant.streams.set('v1', new Stream('v1', 'video', 'VP8', fakeTrack('video')));
    expect(meeting.selectedCameraDevice).toMatchObject({ deviceId: 'dev1', groupId: 'g1', kind: 'videoinput', label: 'Fake' });
    meeting.localParticipant.streams.delete('v1');
  });

  it.each(Object.keys(UNSUPPORTED.Participant))('participant.%s() rejects with 3068', async (name) => {
    const p = meeting.localParticipant as unknown as Record<string, () => Promise<unknown>>;
    expect(await codeOf(p[name]!())).toBe(3068);
  });

  it('screenShareAudioOn follows shareAudio streams; captureImage with the camera off is null', async () => {
    const p: Participant = meeting.localParticipant;
    expect(p.screenShareAudioOn).toBe(false);
    p.streams.set('sa', new Stream('sa', 'shareAudio', 'opus', fakeTrack('audio')));
    expect(p.screenShareAudioOn).toBe(true);
    p.streams.delete('sa');
    expect(await p.captureImage()).toBeNull();
  });

  it("stream.on('state') reports the track ending until off(); other events throw 3073", () => {
    const track = fakeTrack('share');
    const s = new Stream('s1', 'share', 'VP8', track);
    expect(s.displaySurface).toBe('monitor');
    const got: string[] = [];
    const l = (d: { state: string }) => got.push(d.state);
    s.on('state', l);
    track.dispatchEvent(new Event('ended'));
    s.off('state', l);
    track.dispatchEvent(new Event('ended'));
    expect(got).toEqual(['ended']);
    expect(() => s.on('stats' as 'state', l)).toThrow(expect.objectContaining({ code: 3073 }));
  });
});
