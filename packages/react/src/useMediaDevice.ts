// useMediaDevice({onDeviceChanged}?): device lists and permissions from @roomkit/client's VideoSDK,
// and a callback when devices are plugged in or out.
import { useEffect, useRef } from 'react';
import { VideoSDK, type DeviceInfo } from '@roomkit/client';

export interface MediaDeviceCallbacks {
  /** VideoSDK's declaration passes the devices as a promise; so does Roomkit. */
  onDeviceChanged?: (devices: Promise<DeviceInfo[]>) => void;
}

const actions = {
  getDevices: () => VideoSDK.getDevices(),
  getCameras: () => VideoSDK.getCameras(),
  getMicrophones: () => VideoSDK.getMicrophones(),
  getPlaybackDevices: () => VideoSDK.getPlaybackDevices(),
  checkPermissions: (permissions?: Parameters<typeof VideoSDK.checkPermissions>[0]) => VideoSDK.checkPermissions(permissions),
  requestPermission: (permissions?: Parameters<typeof VideoSDK.requestPermission>[0]) => VideoSDK.requestPermission(permissions),
};

export function useMediaDevice(callbacks: MediaDeviceCallbacks = {}) {
  const latest = useRef(callbacks);
  latest.current = callbacks;
  useEffect(() => {
    const listener = ({ devices }: { devices: DeviceInfo[] }) => latest.current.onDeviceChanged?.(Promise.resolve(devices));
    VideoSDK.on('device-changed', listener);
    return () => VideoSDK.off('device-changed', listener);
  }, []);
  return actions;
}
