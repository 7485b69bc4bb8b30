// useMeeting()'s callbacks are wired to the right Meeting events with VideoSDK's arguments, including
// the ones derived from state changes (onHlsStarted, onRecordingStopped, ...). Driven by a real
// Meeting (nothing connects until join()) whose events are emitted as the SDK would.
import { describe, expect, it, vi } from 'vitest';
import { VideoSDK, type Meeting, type MeetingEvents } from '@roomkit/client';
import { subscribeCallbacks } from '../src/meetingCallbacks.js';

function newMeeting(): Meeting {
  VideoSDK.config('not-a-jwt');
  return VideoSDK.initMeeting({ meetingId: 'room-1', name: 'Ada', micEnabled: false, webcamEnabled: false });
}
/** Emits as the SDK does (safeEmit is protected: an app never emits on its Meeting). */
const emit = <E extends keyof MeetingEvents>(m: Meeting, event: E, ...args: MeetingEvents[E]) => (m as unknown as { safeEmit(e: E, ...a: MeetingEvents[E]): void }).safeEmit(event, ...args);

describe('subscribeCallbacks (useMeeting callbacks)', () => {
  it('entry-responded calls onEntryResponded(participantId, decision); speaker-changed onSpeakerChanged(id)', () => {
    const m = newMeeting();
    const cb = { onEntryResponded: vi.fn(), onSpeakerChanged: vi.fn(), onParticipantModeChanged: vi.fn() };
    subscribeCallbacks(m, () => cb);
    emit(m, 'entry-responded', 'p-2', 'allowed');
    emit(m, 'speaker-changed', 'p-3');
    emit(m, 'participant-mode-changed', { participantId: 'p-2', mode: 'RECV_ONLY' });
    expect(cb.onEntryResponded).toHaveBeenCalledWith('p-2', 'allowed');
    expect(cb.onSpeakerChanged).toHaveBeenCalledWith('p-3');
    expect(cb.onParticipantModeChanged).toHaveBeenCalledWith({ participantId: 'p-2', mode: 'RECV_ONLY' });
  });

  it('hls-state-changed HLS_STARTED calls onHlsStateChanged and onHlsStarted({downstreamUrl}); HLS_STOPPED onHlsStopped', () => {
    const m = newMeeting();
    const cb = { onHlsStateChanged: vi.fn(), onHlsStarted: vi.fn(), onHlsStopped: vi.fn() };
    subscribeCallbacks(m, () => cb);
    emit(m, 'hls-state-changed', { status: 'HLS_STARTED', playbackHlsUrl: 'http://x/p.m3u8', livestreamUrl: 'http://x/l.m3u8' });
    expect(cb.onHlsStateChanged).toHaveBeenCalledWith({ status: 'HLS_STARTED', playbackHlsUrl: 'http://x/p.m3u8', livestreamUrl: 'http://x/l.m3u8' });
    expect(cb.onHlsStarted).toHaveBeenCalledWith({ downstreamUrl: 'http://x/p.m3u8' });
    expect(cb.onHlsStopped).not.toHaveBeenCalled();
    emit(m, 'hls-state-changed', { status: 'HLS_STOPPED' });
    expect(cb.onHlsStopped).toHaveBeenCalledTimes(1);
  });

  it('recording and livestream state changes call the …StateChanged callback and the started/stopped one', () => {
    const m = newMeeting();
    const cb = { onRecordingStateChanged: vi.fn(), onRecordingStarted: vi.fn(), onRecordingStopped: vi.fn(), onLivestreamStateChanged: vi.fn(), onLiveStreamStarted: vi.fn(), onLiveStreamStopped: vi.fn() };
    subscribeCallbacks(m, () => cb);
    emit(m, 'recording-state-changed', { status: 'RECORDING_STARTING' });
    emit(m, 'recording-state-changed', { status: 'RECORDING_STARTED' });
    emit(m, 'livestream-state-changed', { status: 'LIVESTREAM_STOPPED' });
    expect(cb.onRecordingStateChanged).toHaveBeenCalledTimes(2);
    expect(cb.onRecordingStarted).toHaveBeenCalledTimes(1);
    expect(cb.onRecordingStopped).not.toHaveBeenCalled();
    expect(cb.onLivestreamStateChanged).toHaveBeenCalledWith({ status: 'LIVESTREAM_STOPPED' });
    expect(cb.onLiveStreamStopped).toHaveBeenCalledTimes(1);
    expect(cb.onLiveStreamStarted).not.toHaveBeenCalled();
  });

  it('reads the latest callbacks at each event, and the returned function unsubscribes every listener', () => {
    const m = newMeeting();
    const first = { onError: vi.fn() };
    const second = { onError: vi.fn() };
    let current: Record<string, unknown> = first;
    const before = m.listenerCount('error');
    const off = subscribeCallbacks(m, () => current as never);
    current = second;
    emit(m, 'error', { code: 3001, message: 'x' } as never);
    expect(first.onError).not.toHaveBeenCalled();
    expect(second.onError).toHaveBeenCalledTimes(1);
    off();
    expect(m.listenerCount('error')).toBe(before);
    expect(m.listenerCount('meeting-joined')).toBe(0);
  });

  it('an app callback that throws is reported and does not stop the other callbacks of the event', () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const m = newMeeting();
    const cb = { onHlsStateChanged: vi.fn(() => { throw new Error('app bug'); }), onHlsStarted: vi.fn() };
    subscribeCallbacks(m, () => cb);
    emit(m, 'hls-state-changed', { status: 'HLS_STARTED' });
    expect(cb.onHlsStarted).toHaveBeenCalledTimes(1);
    expect(reported).toHaveBeenCalledWith(expect.stringContaining('onHlsStateChanged callback threw'), expect.any(Error));
    reported.mockRestore();
  });
});
