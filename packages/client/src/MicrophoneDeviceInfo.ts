// An audioinput device, as VideoSDK.getMicrophones() and getDevices() return it.
import { DeviceInfo } from './DeviceInfo.js';

export class MicrophoneDeviceInfo extends DeviceInfo {}
