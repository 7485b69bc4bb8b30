// The one error every action of a feature Roomkit lacks rejects with: RoomkitError 3068.
import { RoomkitError } from '@roomkit/client';

export function notSupportedError(action: string, why: string): RoomkitError {
  return new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `${action}() is not supported by Roomkit: ${why}`);
}

/** An async action that always rejects with ERROR_ACTION_NOT_SUPPORTED (3068). */
export function notSupported(action: string, why: string): (...args: unknown[]) => Promise<never> {
  return () => Promise.reject(notSupportedError(action, why));
}
