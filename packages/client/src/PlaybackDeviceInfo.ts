// An audiooutput device, as VideoSDK.getPlaybackDevices() and getDevices() return it.
import { DeviceInfo } from './DeviceInfo.js';

export class PlaybackDeviceInfo extends DeviceInfo {}
