// VideoSDK's device descriptions: what getDevices() and the device-changed event give, built from
// the browser's MediaDeviceInfo (whose own objects cannot be constructed or extended by apps).
export class DeviceInfo {
  readonly deviceId: string;
  readonly groupId: string;
  readonly kind: string;
  readonly label: string;

  constructor(deviceId: string, groupId: string, kind: string, label: string) {
    this.deviceId = deviceId;
    this.groupId = groupId;
    this.kind = kind;
    this.label = label;
  }

  /** Same fields as the browser's MediaDeviceInfo.toJSON(). */
  toJSON(): { deviceId: string; groupId: string; kind: string; label: string } {
    return { deviceId: this.deviceId, groupId: this.groupId, kind: this.kind, label: this.label };
  }
}
