// One decoded frame of a video file at a given time, shrunk to a small RGB image, so a test can
// look at regions of a composite (is this tile a camera, an avatar, empty?) without an image library.
import { execFile } from 'node:child_process';

export interface SmallFrame {
  width: number;
  height: number;
  /** rgb24, row-major. */
  rgb: Buffer;
}

export function frameAt(file: string, seconds: number, width = 64, height = 36): Promise<SmallFrame> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-ss', seconds.toFixed(2), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { encoding: 'buffer', timeout: 30_000, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err || stdout.length !== width * height * 3) return reject(new Error(`no frame at ${seconds} s: ${String(stderr).slice(-300)}`));
        resolve({ width, height, rgb: stdout });
      },
    );
  });
}

/** Mean colour and luma spread of a region given in fractions of the frame (x0, y0, x1, y1 in 0..1). */
export function region(f: SmallFrame, x0: number, y0: number, x1: number, y1: number): { r: number; g: number; b: number; lumaStd: number } {
  let r = 0, g = 0, b = 0, n = 0, sum = 0, sumSq = 0;
  for (let y = Math.floor(y0 * f.height); y < Math.ceil(y1 * f.height); y++) {
    for (let x = Math.floor(x0 * f.width); x < Math.ceil(x1 * f.width); x++) {
      const i = (y * f.width + x) * 3;
      const [pr, pg, pb] = [f.rgb[i]!, f.rgb[i + 1]!, f.rgb[i + 2]!];
      r += pr; g += pg; b += pb; n++;
      const luma = 0.299 * pr + 0.587 * pg + 0.114 * pb;
      sum += luma; sumSq += luma * luma;
    }
  }
  const mean = sum / n;
  return { r: r / n, g: g / n, b: b / n, lumaStd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

/** Mean absolute difference (0..255) of two frames' pixels in a region: ~0 for a frozen picture. */
export function regionChange(a: SmallFrame, b: SmallFrame, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0, n = 0;
  for (let y = Math.floor(y0 * a.height); y < Math.ceil(y1 * a.height); y++) {
    for (let x = Math.floor(x0 * a.width); x < Math.ceil(x1 * a.width); x++) {
      const i = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.rgb[i + c]! - b.rgb[i + c]!);
      n += 3;
    }
  }
  return sum / n;
}
