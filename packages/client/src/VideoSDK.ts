// The SDK entry point, name-for-name with VideoSDK's: token, meeting factory, devices, Constants,
// permissions, device-change events, pre-call test, log level, E2EE key provider, analytics.
import type { LogLevelName, PermissionValue } from '@roomkit/protocol/sdkConstants';
import type { CameraDeviceInfo } from './CameraDeviceInfo.js';
import { Constants } from './constants.js';
import { DeviceChangeWatcher } from './DeviceChangeWatcher.js';
import type { DeviceInfo } from './DeviceInfo.js';
import {
  createCameraVideoTrack,
  createMicrophoneAudioTrack,
  createScreenShareVideoTrack,
  getCameras,
  getDevices,
  getMicrophones,
  getPlaybackDevices,
} from './devices.js';
import type { CameraTrackOptions, MicrophoneTrackOptions, ScreenShareTrackOptions } from './devices.js';
import { ExternalE2EEKeyProvider } from './ExternalE2EEKeyProvider.js';
import { isLogLevel, Logger, setSdkLogLevel } from '@roomkit/client-core';
// For its side effect: installs the js-sdk members Meeting/Participant/Stream lack (see compatMembers.ts).
// Keep this package free of a blanket "sideEffects": false, or a bundler drops it.
import './compatMembers.js';
import { Meeting } from './Meeting.js';
import type { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import { getNetworkStats, type NetworkStatsOptions } from './networkStats.js';
import { checkPermissions, requestPermission } from './permissions.js';
import type { PlaybackDeviceInfo } from './PlaybackDeviceInfo.js';
import { runPreCallTest, type PreCallTestOptions, type PreCallTestPromise } from './PreCallTest.js';
import { RoomkitError } from './protocolRuntime.js';
import { resolveMeetingOptions } from './meetingOptions.js';
import type { MeetingOptions } from './types.js';

const log = new Logger(false, 'roomkit');

/** js-sdk 1.1.1 initMeeting options Roomkit accepts and ignores (a warning says why). */
export interface IgnoredMeetingOptions {
  preferredProtocol?: 'UDP_ONLY' | 'UDP_OVER_TCP' | 'TCP_ONLY';
  defaultCamera?: 'user' | 'enviornment' | 'environment';
  pubsubWorkerUrl?: string;
  codecSwitchEnabled?: boolean;
}
export const IGNORED_MEETING_OPTIONS: Record<keyof IgnoredMeetingOptions, string> = {
  preferredProtocol: 'media always goes over UDP to the one port the server announces (ROOMKIT_RTC_PORT); there is no TCP fallback',
  defaultCamera: 'pick the camera with customCameraVideoTrack: await VideoSDK.createCameraVideoTrack({facingMode})',
  pubsubWorkerUrl: 'PubSub runs over the signaling connection; there is no worker',
  codecSwitchEnabled: 'the server negotiates one video codec per room; there is nothing to switch',
};

export class VideoSDK {
  static readonly Constants = Constants;
  private static token: string | undefined;
  private static keyProvider: ExternalE2EEKeyProvider | undefined;
  private static readonly devices = new DeviceChangeWatcher();
  /** The last value given to analytics(): kept in the page only. */
  private static analyticsInfo: Readonly<Record<string, unknown>> | undefined;

  /** Sets the token (a JWT from your server) used by every meeting created afterwards. */
  static config(token: string): void {
    VideoSDK.token = token;
  }

  static initMeeting(options: MeetingOptions & IgnoredMeetingOptions): Meeting {
    const resolved = resolveMeetingOptions(options) as MeetingOptions & IgnoredMeetingOptions;
    for (const [name, why] of Object.entries(IGNORED_MEETING_OPTIONS)) {
      if (resolved[name as keyof IgnoredMeetingOptions] !== undefined) log.warn(`initMeeting(): option '${name}' is ignored by Roomkit: ${why}`);
    }
    if (VideoSDK.keyProvider) {
      throw new RoomkitError(
        'ERROR_ACTION_NOT_SUPPORTED',
        'initMeeting(): end-to-end encryption is not supported by Roomkit (media is encrypted per hop, and the server can read it). Call VideoSDK.setKeyProvider(null) (or drop keyProvider from MeetingProvider) to join without E2EE.',
      );
    }
    // Read at join(): VideoSDK's React SDK calls config() after a child component's join().
    return new Meeting(resolved, () => resolved.token ?? VideoSDK.token);
  }

  static getCameras(): Promise<CameraDeviceInfo[]> {
    return getCameras();
  }
  static getMicrophones(): Promise<MicrophoneDeviceInfo[]> {
    return getMicrophones();
  }
  static getPlaybackDevices(): Promise<PlaybackDeviceInfo[]> {
    return getPlaybackDevices();
  }
  static getDevices(): Promise<DeviceInfo[]> {
    return getDevices();
  }

  /** A camera MediaStream for `customCameraVideoTrack` / enableWebcam(track). */
  static createCameraVideoTrack(options: CameraTrackOptions = {}): Promise<MediaStream> {
    return createCameraVideoTrack(options);
  }
  static createMicrophoneAudioTrack(options: MicrophoneTrackOptions = {}): Promise<MediaStream> {
    return createMicrophoneAudioTrack(options);
  }
  static createScreenShareVideoTrack(options: ScreenShareTrackOptions = {}): Promise<MediaStream> {
    return createScreenShareVideoTrack(options);
  }

  /** 'device-changed' listeners get `{devices}` (DeviceInfo instances) after a device comes or goes. */
  static on(eventType: 'device-changed', listener: (data: { devices: DeviceInfo[] }) => void): void {
    VideoSDK.devices.add(eventType, listener);
  }
  static off(eventType: 'device-changed', listener: (data: { devices: DeviceInfo[] }) => void): void {
    VideoSDK.devices.remove(eventType, listener);
  }

  /** Map of Constants.permission.AUDIO/VIDEO → granted, from the Permissions API (no prompt). */
  static checkPermissions(permissions?: PermissionValue | string): Promise<Map<string, boolean>> {
    return checkPermissions(permissions);
  }
  /** Prompts (getUserMedia, tracks closed at once); Map of AUDIO/VIDEO → granted. */
  static requestPermission(permissions?: PermissionValue | string): Promise<Map<string, boolean>> {
    return requestPermission(permissions);
  }

  /**
   * Accepts VideoSDK's E2EE key provider; Roomkit has no E2EE, so initMeeting() then throws
   * ERROR_ACTION_NOT_SUPPORTED instead of joining unencrypted. `null`/`undefined` clears it.
   */
  static setKeyProvider(keyProvider: ExternalE2EEKeyProvider | null | undefined): void {
    if (keyProvider !== null && keyProvider !== undefined && !(keyProvider instanceof ExternalE2EEKeyProvider)) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', 'setKeyProvider(keyProvider): pass an ExternalE2EEKeyProvider (or null to clear it)');
    }
    VideoSDK.keyProvider = keyProvider ?? undefined;
    if (keyProvider) log.warn('setKeyProvider(): Roomkit has no end-to-end encryption; initMeeting() will fail with ERROR_ACTION_NOT_SUPPORTED (3068)');
  }

  /** What the SDK logs to the console from now on: NONE, ERROR, WARN, INFO (default), DEBUG, ALL. */
  static setLogLevel(logLevel: LogLevelName = 'INFO'): void {
    if (!isLogLevel(logLevel)) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `setLogLevel(): unknown level '${String(logLevel)}': use ${Object.keys(Constants.LogLevel).join(', ')}`);
    }
    setSdkLogLevel(logLevel);
  }

  /**
   * VideoSDK sends SDK/device details to its analytics service here. Roomkit never sends data
   * anywhere but the app's own server: this keeps the value in the page (debug-logged) and stops.
   */
  static analytics(info?: Record<string, unknown>): void {
    VideoSDK.analyticsInfo = info && typeof info === 'object' ? { ...info } : undefined;
    log.debug('analytics(): kept in the page, not sent anywhere', VideoSDK.analyticsInfo);
  }

  /** Camera, microphone and network to the Roomkit server; see PreCallTest.ts for the result. */
  static runPreCallTest(options: PreCallTestOptions): PreCallTestPromise {
    return runPreCallTest(options);
  }

  /** Download/upload speed (Mbit/s) to the Roomkit server; VideoSDK 0.x's API, kept for old apps. */
  static getNetworkStats(options?: NetworkStatsOptions): Promise<{ downloadSpeed: number; uploadSpeed: number }> {
    return getNetworkStats(options);
  }
}
