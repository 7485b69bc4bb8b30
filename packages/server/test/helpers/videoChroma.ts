// Whether a video file shows a picture: per-frame chroma and motion (ffmpeg signalstats). A black
// or grey frame has U and V at 128; Chromium's fake camera (a green pacman drawn in luma with
// U = V = 0) has a low mean luma, so luma alone cannot tell it from black.
import { execFile } from 'node:child_process';

export interface ChromaStats {
  frames: number;
  /** Mean over frames of the distance of (UAVG, VAVG) from (128, 128): ~0 for black/grey. */
  chromaDistance: number;
  /** Mean YDIF (luma change from the previous sampled frame): 0 for a frozen picture. */
  motion: number;
}

/** `fromSeconds`: measure only from that point of the file on. */
export function chromaStats(file: string, opts: { fromSeconds?: number; timeoutMs?: number } = {}): Promise<ChromaStats> {
  const seek = opts.fromSeconds ? ['-ss', String(opts.fromSeconds)] : [];
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-hide_banner', '-nostdin', ...seek, '-i', file, '-vf', 'fps=2,signalstats,metadata=print:file=-', '-an', '-f', 'null', '-'],
      { timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffmpeg signalstats failed: ${stderr.slice(-500)}`));
        const read = (key: string) => [...stdout.matchAll(new RegExp(`${key}=([\\d.]+)`, 'g'))].map((m) => Number(m[1]));
        const u = read('UAVG');
        const v = read('VAVG');
        const ydif = read('YDIF');
        if (u.length === 0) return reject(new Error('no frames measured'));
        const distance = u.map((x, i) => Math.hypot(x - 128, v[i]! - 128));
        const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / Math.max(1, a.length);
        resolve({ frames: u.length, chromaDistance: mean(distance), motion: mean(ydif.slice(1)) });
      },
    );
  });
}
