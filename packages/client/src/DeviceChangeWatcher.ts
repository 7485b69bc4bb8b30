// VideoSDK.on/off('device-changed'): listens to navigator.mediaDevices' devicechange only while an
// app listener is registered, and hands listeners the new device list as `{devices}`.
import { toDeviceInfo } from './devices.js';
import type { DeviceInfo } from './DeviceInfo.js';
import { EventEmitter } from '@roomkit/client-core';
import { Logger } from '@roomkit/client-core';
import { RoomkitError } from './protocolRuntime.js';

export type VideoSdkEvents = {
  'device-changed': [data: { devices: DeviceInfo[] }];
};
export const VIDEO_SDK_EVENTS: ReadonlyArray<keyof VideoSdkEvents> = ['device-changed'];

const log = new Logger(false, 'roomkit:devices');

export class DeviceChangeWatcher extends EventEmitter<VideoSdkEvents> {
  private attached = false;
  private readonly onDeviceChange = (): void => {
    void this.refresh();
  };

  add(event: string, listener: (data: { devices: DeviceInfo[] }) => void): void {
    this.check(event, listener, 'on');
    this.attach();
    this.on('device-changed', listener);
  }

  remove(event: string, listener: (data: { devices: DeviceInfo[] }) => void): void {
    this.check(event, listener, 'off');
    this.off('device-changed', listener);
    if (this.listenerCount('device-changed') === 0) this.detach();
  }

  private check(event: string, listener: unknown, method: string): void {
    if (!VIDEO_SDK_EVENTS.includes(event as keyof VideoSdkEvents)) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `VideoSDK.${method}(): unknown event '${String(event)}': VideoSDK only emits ${VIDEO_SDK_EVENTS.join(', ')}`);
    }
    if (typeof listener !== 'function') throw new RoomkitError('ERROR_INVALID_PARAMETER', `VideoSDK.${method}('${event}', listener): listener must be a function`);
  }

  private attach(): void {
    if (this.attached) return;
    const media = globalThis.navigator?.mediaDevices;
    if (!media?.addEventListener) {
      throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', "VideoSDK.on('device-changed'): this browser has no navigator.mediaDevices (serve the page over https or from localhost)");
    }
    media.addEventListener('devicechange', this.onDeviceChange);
    this.attached = true;
  }

  private detach(): void {
    if (!this.attached) return;
    globalThis.navigator?.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.attached = false;
  }

  private async refresh(): Promise<void> {
    try {
      const devices = (await navigator.mediaDevices.enumerateDevices()).map(toDeviceInfo);
      this.safeEmit('device-changed', { devices });
    } catch (err) {
      log.warn('device-changed: could not list devices', err);
    }
  }
}
