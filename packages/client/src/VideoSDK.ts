// The SDK entry point, name-for-name with VideoSDK's: token, meeting factory, devices, Constants.
import { Constants } from './constants.js';
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
import { Meeting } from './Meeting.js';
import { resolveMeetingOptions } from './meetingOptions.js';
import type { DeviceInfo, MeetingOptions } from './types.js';

export class VideoSDK {
  static readonly Constants = Constants;
  private static token: string | undefined;

  /** Sets the token (a JWT from your server) used by every meeting created afterwards. */
  static config(token: string): void {
    VideoSDK.token = token;
  }

  static initMeeting(options: MeetingOptions): Meeting {
    const resolved = resolveMeetingOptions(options);
    // Read at join(): VideoSDK's React SDK calls config() after a child component's join().
    return new Meeting(resolved, () => resolved.token ?? VideoSDK.token);
  }

  static getCameras(): Promise<DeviceInfo[]> {
    return getCameras();
  }
  static getMicrophones(): Promise<DeviceInfo[]> {
    return getMicrophones();
  }
  static getPlaybackDevices(): Promise<DeviceInfo[]> {
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
}
