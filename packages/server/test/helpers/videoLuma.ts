// Mean luma (signalstats YAVG, 0..255) of a video file's frames: a black recording is ~16.
import { execFile } from 'node:child_process';

export function meanLuma(file: string, timeoutMs = 60_000): Promise<{ frames: number; mean: number; min: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-i', file, '-vf', 'fps=2,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-', '-an', '-f', 'null', '-'],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffmpeg signalstats failed: ${stderr.slice(-500)}`));
        const values = [...stdout.matchAll(/YAVG=([\d.]+)/g)].map((m) => Number(m[1]));
        if (values.length === 0) return reject(new Error('no frames measured'));
        resolve({ frames: values.length, mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values) });
      },
    );
  });
}
