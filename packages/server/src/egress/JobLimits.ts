// What keeps an egress job from filling the disk or running forever: a free-space floor on the
// data directory, checked before a job starts and every few seconds while it runs, and a maximum
// duration. Settings are read at each check, so a changed config (or a test) takes effect live.
import { statfs } from 'node:fs/promises';
import { RoomkitError, type ErrorCodeName } from '@roomkit/protocol';

export interface JobLimitsOptions {
  dataDir: string;
  /** MB that must stay free in dataDir (0: no floor). */
  minFreeMb(): number;
  /** Seconds a job may run (0: no limit). */
  maxJobSeconds(): number;
  /** How often a running job's disk is checked. Default 5 s. */
  checkEveryMs?: number;
  /** Free bytes of the filesystem holding `dir` (tests fake it). */
  freeBytes?(dir: string): Promise<number>;
}

export type LimitReached = { limit: 'disk'; message: string } | { limit: 'duration'; message: string };

const MB = 1024 * 1024;
const systemFreeBytes = async (dir: string) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

export class JobLimits {
  constructor(private readonly opts: JobLimitsOptions) {}

  /** Throws `code` when dataDir has less free space than the floor. */
  async assertSpace(code: ErrorCodeName): Promise<void> {
    const low = await this.lowSpace();
    if (low) throw new RoomkitError(code, `${low}; no new egress job starts until space is freed`);
  }

  /** A message when free space is under the floor, else null (unreadable: not low). */
  private async lowSpace(): Promise<string | null> {
    const floor = this.opts.minFreeMb();
    if (!(floor > 0)) return null;
    const free = await (this.opts.freeBytes ?? systemFreeBytes)(this.opts.dataDir).catch(() => Infinity);
    if (free >= floor * MB) return null;
    return `the server's data directory has ${Math.floor(free / MB)} MB free, under the ${floor} MB floor (egressMinFreeMb)`;
  }

  /** Calls `onLimit` once when a running job crosses a limit; returns the stop function. */
  watch(onLimit: (reached: LimitReached) => void): () => void {
    let done = false;
    const fire = (r: LimitReached) => {
      if (done) return;
      done = true;
      stop();
      onLimit(r);
    };
    const max = this.opts.maxJobSeconds();
    const timer = max > 0 ? setTimeout(() => fire({ limit: 'duration', message: `the job reached its maximum duration of ${max} s (egressMaxJobSeconds)` }), max * 1000) : null;
    const poll = setInterval(() => {
      void this.lowSpace().then((low) => low && fire({ limit: 'disk', message: `${low}: the job was stopped` }));
    }, this.opts.checkEveryMs ?? 5000);
    timer?.unref();
    poll.unref();
    function stop() {
      done = true;
      if (timer) clearTimeout(timer);
      clearInterval(poll);
    }
    return stop;
  }
}
