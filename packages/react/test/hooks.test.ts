// The hooks' shapes without a browser: rendered once on the server (react-dom/server), so no effect
// runs and nothing connects. What a meeting does once joined is tested in Chromium
// (packages/server/test/videosdkReactMeeting.test.ts, roomkitReactApi.test.ts).
import { createElement, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MeetingConsumer, MeetingProvider, useFile, useMeeting, useParticipant, usePubSub, useTranscription, useTranslation, useWhiteboard, useCharacter } from '../src/index.js';

const config = { meetingId: 'room-1', name: 'Ada', micEnabled: false, webcamEnabled: false, debugMode: false };

/** Renders `probe` inside a MeetingProvider and returns what it captured. */
function inMeeting<T>(probe: () => T): T {
  let captured: T | undefined;
  const Probe = () => ((captured = probe()), null);
  renderToString(createElement(MeetingProvider, { config, token: 'not-a-jwt' }, createElement(Probe)));
  return captured!;
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: { code?: number }) => err.code);

describe('@roomkit/react hooks before join', () => {
  it('useMeeting() outside a MeetingProvider throws an error that names the provider', () => {
    const Probe = () => (useMeeting(), null);
    expect(() => renderToString(createElement(Probe))).toThrow(/inside <MeetingProvider>/);
  });

  it("useMeeting() in a MeetingProvider: VideoSDK's fields, no participants yet, not joined, every action a function", () => {
    const m = inMeeting(() => useMeeting());
    expect(m.meetingId).toBe('room-1');
    expect(m.isMeetingJoined).toBe(false);
    expect(m.participants).toBeInstanceOf(Map);
    expect(m.participants.size).toBe(0);
    expect(m.localParticipant.displayName).toBe('Ada');
    expect(m.localMicOn).toBe(false);
    expect(m.hlsState).toBe('HLS_STOPPED');
    expect(m.recordingState).toBe('RECORDING_STOPPED');
    expect(m.livestreamState).toBe('LIVESTREAM_STOPPED');
    expect(m.hlsUrls).toEqual({ downstreamUrl: null, playbackHlsUrl: null, livestreamUrl: null });
    expect(m.pinnedParticipants).toBeInstanceOf(Map);
    for (const action of ['join', 'leave', 'end', 'toggleMic', 'toggleWebcam', 'toggleScreenShare', 'muteMic', 'unmuteMic', 'enableWebcam', 'disableWebcam', 'startHls', 'stopHls', 'startRecording', 'stopRecording', 'startLivestream', 'stopLivestream', 'changeMode', 'respondEntry', 'send', 'getMics', 'getWebcams', 'changeMic', 'changeWebcam', 'pauseAllStreams', 'resumeAllStreams', 'switchTo', 'replaceWebcamStream'] as const) {
      expect(typeof m[action], action).toBe('function');
    }
  });

  it('MeetingConsumer hands its render prop the same object useMeeting() returns', () => {
    let seen: ReturnType<typeof useMeeting> | undefined;
    const html = renderToString(
      createElement(MeetingProvider, { config, token: 'not-a-jwt' }, createElement(MeetingConsumer, { children: (m: ReturnType<typeof useMeeting>): ReactNode => ((seen = m), createElement('p', null, m.meetingId)) })),
    );
    expect(html).toContain('room-1');
    expect(seen?.localParticipant.displayName).toBe('Ada');
  });

  it('useParticipant(local id): its name, isLocal, media off; an unknown id gives empty fields, not a throw', () => {
    const local = inMeeting(() => useParticipant(useMeeting().localParticipant.id));
    expect(local).toMatchObject({ displayName: 'Ada', isLocal: true, micOn: false, webcamOn: false, screenShareOn: false, mode: 'SEND_AND_RECV' });
    expect(local.webcamStream).toBeUndefined();
    const unknown = inMeeting(() => useParticipant('nobody'));
    expect(unknown).toMatchObject({ displayName: '', isLocal: false, webcamOn: false });
  });

  it('usePubSub() before join: no messages, publish rejects (not joined) instead of throwing', async () => {
    const { messages, publish } = inMeeting(() => usePubSub('CHAT'));
    expect(messages).toEqual([]);
    await expect(publish('hi', { persist: true })).rejects.toMatchObject({ code: expect.any(Number) });
  });

  it('whiteboard, transcription, translation, file and character actions reject with ERROR_ACTION_NOT_SUPPORTED (3068) and say why', async () => {
    const hooks = inMeeting(() => ({ wb: useWhiteboard(), tr: useTranscription(), tl: useTranslation(), file: useFile(), ch: useCharacter({}) }));
    const actions = [hooks.wb.startWhiteboard, hooks.wb.stopWhiteboard, hooks.tr.startTranscription, hooks.tr.stopTranscription, hooks.tl.startTranslation, hooks.tl.changeTranslationLanguage, hooks.tl.stopTranslation, hooks.file.uploadBase64File, hooks.file.fetchBase64File, hooks.ch.join, hooks.ch.sendMessage];
    for (const action of actions) expect(await codeOf(action())).toBe(3068);
    await expect(hooks.wb.startWhiteboard()).rejects.toThrow(/not supported by Roomkit: the whiteboard is not available/);
    expect(hooks.wb.whiteboardUrl).toBeNull();
  });
});
