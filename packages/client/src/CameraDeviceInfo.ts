// A videoinput device, as VideoSDK.getCameras() and getDevices() return it.
import { DeviceInfo } from './DeviceInfo.js';

export class CameraDeviceInfo extends DeviceInfo {}
