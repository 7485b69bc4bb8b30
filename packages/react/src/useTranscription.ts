// useTranscription(callbacks?): Roomkit has no transcription; its actions reject with 3068 and its
// callbacks are never called.
import { notSupported } from './notSupported.js';

const WHY = 'transcription is not available';

export function useTranscription(_callbacks: { onTranscriptionStateChanged?: (data: { id: string; status: string }) => void; onTranscriptionText?: (data: unknown) => void } = {}) {
  return { startTranscription: notSupported('startTranscription', WHY), stopTranscription: notSupported('stopTranscription', WHY) };
}
