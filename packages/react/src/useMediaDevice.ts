// useMediaDevice({onDeviceChanged}?): device lists and permissions from @roomkit/client's VideoSDK,
// and a callback when devices are plugged in or out.
import { useEffect, useRef } from 'react';
import { VideoSDK, type DeviceInfo } from '@roomkit/client';

/**
 * VideoSDK's declaration gives onDeviceChanged a promise of the devices, while its runtime passes on
 * the js-sdk's `device-changed` payload, `{devices}`: Roomkit passes a promise that also carries
 * `devices`, so code written either way works.
 */
export type DeviceChange = Promise<DeviceInfo[]> & { devices: DeviceInfo[] };

export interface MediaDeviceCallbacks {
  onDeviceChanged?: (devices: DeviceChange) => void;
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
    const listener = ({ devices }: { devices: DeviceInfo[] }) => latest.current.onDeviceChanged?.(Object.assign(Promise.resolve(devices), { devices }));
    VideoSDK.on('device-changed', listener);
    return () => VideoSDK.off('device-changed', listener);
  }, []);
  return actions;
}
