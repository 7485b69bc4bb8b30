// What both egress jobs need from a running ffmpeg: its stderr line by line (the last lines kept
// for error messages) and one call when it dies or could not start.
import type { ChildProcess } from 'node:child_process';

const TAIL_LINES = 20;

export interface FfmpegWatch {
  /** Resolves once the process exited (or failed to spawn). */
  readonly exited: Promise<void>;
  /** The last few stderr lines, joined for an error message. */
  tail(lines?: number): string;
}

/** `onDeath(message)` runs once, when ffmpeg exits or cannot run; the caller ignores it while stopping. */
export function watchFfmpeg(ff: ChildProcess, onLine: (line: string) => void, onDeath: (message: string) => void): FfmpegWatch {
  const lines: string[] = [];
  const tail = (n = 3) => lines.slice(-n).join(' / ');
  let buf = '';
  ff.stderr!.setEncoding('utf8');
  ff.stderr!.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trimEnd();
      buf = buf.slice(i + 1);
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      onLine(line);
    }
  });
  const exited = new Promise<void>((resolve) => {
    ff.once('error', (err) => {
      onDeath(`ffmpeg could not run: ${err.message}`);
      resolve();
    });
    ff.once('exit', (code, signal) => {
      onDeath(`ffmpeg exited (${signal ?? `code ${code}`}): ${tail()}`);
      resolve();
    });
  });
  return { exited, tail };
}
