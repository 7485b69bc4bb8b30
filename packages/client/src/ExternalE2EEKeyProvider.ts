// VideoSDK's end-to-end encryption key holder. Roomkit has no E2EE (media is encrypted per hop,
// DTLS-SRTP to the server, which can read it), so this only holds and validates the key: a meeting
// created while one is set with VideoSDK.setKeyProvider() fails with ERROR_ACTION_NOT_SUPPORTED
// rather than running unencrypted while the app believes otherwise.
import { RoomkitError } from './protocolRuntime.js';

export interface E2EEKeyProviderOptions {
  ratchetWindowSize?: number;
  failureTolerance?: number;
  discardFrameWhenCryptorNotReady?: boolean;
}

export class ExternalE2EEKeyProvider {
  readonly options: Readonly<E2EEKeyProviderOptions>;
  private key: ArrayBuffer | undefined;

  constructor(options: E2EEKeyProviderOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', 'ExternalE2EEKeyProvider(options): options must be an object');
    }
    for (const name of ['ratchetWindowSize', 'failureTolerance'] as const) {
      const v = options[name];
      if (v !== undefined && !(Number.isInteger(v) && v >= -1)) {
        throw new RoomkitError('ERROR_INVALID_PARAMETER', `ExternalE2EEKeyProvider(options): ${name} must be an integer, got ${String(v)}`);
      }
    }
    this.options = { ...options };
  }

  /** Stores the shared key (a non-empty string, UTF-8 encoded, or bytes). */
  async setSharedKey(key: string | ArrayBuffer): Promise<void> {
    if (typeof key === 'string' && key.length > 0) this.key = new TextEncoder().encode(key).buffer as ArrayBuffer;
    else if (key instanceof ArrayBuffer && key.byteLength > 0) this.key = key.slice(0);
    else throw new RoomkitError('ERROR_INVALID_PARAMETER', 'setSharedKey(key): key must be a non-empty string or ArrayBuffer');
  }

  /** Whether setSharedKey() has been called. */
  get hasSharedKey(): boolean {
    return this.key !== undefined;
  }
}
