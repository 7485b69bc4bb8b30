// The plain functions VideoSDK's React SDK exports, taken from @roomkit/client's VideoSDK.
import { VideoSDK } from '@roomkit/client';

export const createCameraVideoTrack = (options: Parameters<typeof VideoSDK.createCameraVideoTrack>[0] = {}) => VideoSDK.createCameraVideoTrack(options);
export const createMicrophoneAudioTrack = (options: Parameters<typeof VideoSDK.createMicrophoneAudioTrack>[0] = {}) => VideoSDK.createMicrophoneAudioTrack(options);
export const createScreenShareVideoTrack = (options: Parameters<typeof VideoSDK.createScreenShareVideoTrack>[0] = {}) => VideoSDK.createScreenShareVideoTrack(options);
export const setLogLevel = (logLevel?: Parameters<typeof VideoSDK.setLogLevel>[0]) => VideoSDK.setLogLevel(logLevel);
export const runPreCallTest = (options: Parameters<typeof VideoSDK.runPreCallTest>[0]) => VideoSDK.runPreCallTest(options);
