// Mean volume (dBFS, ffmpeg volumedetect) of a file's audio between two times: silence is -91 dB.
import { execFile } from 'node:child_process';

export function meanVolume(file: string, fromSeconds: number, durationSeconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-ss', fromSeconds.toFixed(2), '-t', durationSeconds.toFixed(2), '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-'],
      { timeout: 30_000, killSignal: 'SIGKILL' },
      (err, _stdout, stderr) => {
        const m = /mean_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
        if (err || !m) return reject(new Error(`volumedetect failed: ${stderr.slice(-300)}`));
        resolve(m[1] === '-inf' ? -Infinity : Number(m[1]));
      },
    );
  });
}
