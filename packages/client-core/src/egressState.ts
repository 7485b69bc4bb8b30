// A meeting's recording / livestream / HLS state as the app reads it (`recordingState`,
// `livestreamState`, `hlsState`, `hlsUrls`) and the `*-state-changed` event announcing each change.
import type { EgressStateInfo } from '@roomkit/protocol';
import { hlsEvents } from '@roomkit/protocol/sdkConstants';
import type { HlsState, LivestreamState, RecordingState } from '@roomkit/protocol/sdkConstants';

export interface EgressStateTarget {
  recordingState: RecordingState;
  livestreamState: LivestreamState;
  hlsState: HlsState;
  hlsUrls: { playbackHlsUrl: string | null; livestreamUrl: string | null };
}

type EgressEvent = 'recording-state-changed' | 'livestream-state-changed' | 'hls-state-changed';

export function applyEgressState(target: EgressStateTarget, info: EgressStateInfo, emit: (event: EgressEvent, arg: object) => void): void {
  if (info.kind === 'recording') {
    target.recordingState = info.status as RecordingState;
    emit('recording-state-changed', { status: target.recordingState });
  } else if (info.kind === 'livestream') {
    target.livestreamState = info.status as LivestreamState;
    emit('livestream-state-changed', { status: target.livestreamState });
  } else {
    target.hlsState = info.status as HlsState;
    if (info.playbackHlsUrl || info.livestreamUrl) target.hlsUrls = { playbackHlsUrl: info.playbackHlsUrl ?? null, livestreamUrl: info.livestreamUrl ?? null };
    else if (target.hlsState === hlsEvents.HLS_STOPPED) target.hlsUrls = { playbackHlsUrl: null, livestreamUrl: null };
    // downstreamUrl: VideoSDK's older name for the playback URL (its js-hls docs read it).
    emit('hls-state-changed', {
      status: target.hlsState,
      ...(info.playbackHlsUrl && { playbackHlsUrl: info.playbackHlsUrl, downstreamUrl: info.playbackHlsUrl }),
      ...(info.livestreamUrl && { livestreamUrl: info.livestreamUrl }),
    });
  }
}
