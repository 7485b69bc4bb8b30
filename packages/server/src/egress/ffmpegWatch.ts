// What the egress jobs need from a running ffmpeg: its stderr line by line (the last lines kept
// for error messages), one call when it dies or could not start, and a bounded way to stop it.
import type { ChildProcess } from 'node:child_process';

const TAIL_LINES = 20;
/** After ffmpeg was asked to finish: time to write its files' trailers before SIGKILL. */
export const FFMPEG_EXIT_MS = 8_000;

export interface FfmpegWatch {
  /** Resolves once the process exited (or failed to spawn). */
  readonly exited: Promise<void>;
  /** The last few stderr lines, joined for an error message. */
  tail(lines?: number): string;
  /**
   * Asks ffmpeg to finish (`ask`: close its inputs, or signal it) and waits until it exited;
   * SIGKILL after FFMPEG_EXIT_MS. Returns at once if it is not running.
   */
  finish(ask: () => void): Promise<void>;
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
  const finish = async (ask: () => void) => {
    if (ff.exitCode !== null || ff.signalCode !== null) return;
    ask();
    const timer = setTimeout(() => ff.kill('SIGKILL'), FFMPEG_EXIT_MS);
    await exited;
    clearTimeout(timer);
  };
  return { exited, tail, finish };
}
