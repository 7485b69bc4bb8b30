// participant.captureImage(): one frame of a video track as base64 JPEG, via a detached <video>.
import { RoomkitError } from './protocolRuntime.js';

const FRAME_WAIT_MS = 5_000;

export async function captureFrame(track: MediaStreamTrack, size: { width?: number; height?: number }): Promise<string> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        if (video.readyState >= 2) resolve();
        else video.addEventListener('loadeddata', () => resolve(), { once: true });
        void video.play().catch(() => {});
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no frame arrived')), FRAME_WAIT_MS)),
    ]);
    const w0 = video.videoWidth;
    const h0 = video.videoHeight;
    if (!w0 || !h0) throw new Error('the track has no picture yet');
    const width = Math.round(size.width ?? (size.height ? (size.height * w0) / h0 : w0));
    const height = Math.round(size.height ?? (size.width ? (size.width * h0) / w0 : h0));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.drawImage(video, 0, 0, width, height);
    return canvas.toDataURL('image/jpeg', 0.9).replace(/^data:image\/jpeg;base64,/, '');
  } catch (err) {
    throw new RoomkitError('ERROR_CAPTURE_IMAGE_FAILED', `captureImage(): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    video.pause();
    video.srcObject = null;
  }
}
