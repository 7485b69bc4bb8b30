// useWhiteboard(): Roomkit has no whiteboard; both actions reject with ERROR_ACTION_NOT_SUPPORTED (3068).
import { notSupported } from './notSupported.js';

const WHY = 'the whiteboard is not available; useRealtimeStore or usePubSub can carry shared app state';

export function useWhiteboard() {
  return { startWhiteboard: notSupported('startWhiteboard', WHY), stopWhiteboard: notSupported('stopWhiteboard', WHY), whiteboardUrl: null as string | null };
}
