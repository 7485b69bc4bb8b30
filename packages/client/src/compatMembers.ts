// js-sdk 1.1.1 members of Meeting that the class itself does not define: for features Roomkit
// lacks, methods that reject with ERROR_ACTION_NOT_SUPPORTED (3068) saying why (never a silent
// no-op, never "is not a function"). Installed once on the prototype; a member the class defines
// wins. (Participant and Stream define their js-sdk members themselves.)
import { Meeting } from './Meeting.js';
import { RoomkitError } from './protocolRuntime.js';

declare module './Meeting.js' {
  interface Meeting {
    /** Always false: Roomkit has no end-to-end encryption (initMeeting refuses a key provider). */
    readonly isE2EEEnabled: boolean;
    uploadBase64File(options: { base64Data: string; token: string; fileName: string }): Promise<string | null>;
    fetchBase64File(options: { url: string; token: string }): Promise<string | null>;
  }
}

/** What each unsupported method rejects with: why Roomkit cannot do it. */
export const UNSUPPORTED = {
  Meeting: {
    uploadBase64File: 'Roomkit stores no app files: upload them to your own backend',
    fetchBase64File: 'Roomkit stores no app files: fetch them from your own backend',
  },
} as const;

function rejecting(className: string, name: string, why: string) {
  return function notSupported(): Promise<never> {
    return Promise.reject(new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `${className}.${name}() is not supported: ${why}`));
  };
}

function define(proto: object, name: string, descriptor: PropertyDescriptor): void {
  if (name in proto) return;
  Object.defineProperty(proto, name, { configurable: true, ...descriptor });
}

function installMeeting(): void {
  const proto = Meeting.prototype;
  for (const [name, why] of Object.entries(UNSUPPORTED.Meeting)) define(proto, name, { value: rejecting('meeting', name, why), writable: true });
  define(proto, 'isE2EEEnabled', { get: () => false });
}

installMeeting();
