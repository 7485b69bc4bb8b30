// Starves a process of CPU for real: moves it (all its threads) into a cgroup of its own with a CFS
// quota, and back out on release. cgroup v1 (`/sys/fs/cgroup/cpu`) or v2 (`cpu.max`); needs root.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuLimit {
  release(): void;
}

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';

/** True where this test can create cgroups (root, a writable cpu controller); tried on a short-lived child. */
export function canLimitCpu(): boolean {
  const child = spawn('sleep', ['10'], { stdio: 'ignore' });
  try {
    const probe = limitCpu(child.pid!, 100, 'probe');
    probe.release();
    return true;
  } catch {
    return false;
  } finally {
    child.kill('SIGKILL');
  }
}

/** The cpu cgroup a process is in now (to put it back there on release). */
function currentGroup(pid: number, v1: boolean): string {
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (v1 ? controllers!.split(',').includes('cpu') : controllers === '') return join(v1 ? V1 : V2, path);
  }
  return v1 ? V1 : V2;
}

/** Limits `pid` to `percent` of one core until release(). */
export function limitCpu(pid: number, percent: number, tag = 'limit'): CpuLimit {
  const v1 = existsSync(join(V1, 'cpu.cfs_quota_us'));
  const root = v1 ? V1 : V2;
  const original = currentGroup(pid, v1);
  const dir = join(root, `roomkit-${tag}-${process.pid}-${pid}`);
  mkdirSync(dir, { recursive: true });
  const period = 100_000;
  const quota = Math.max(1000, Math.round((period * percent) / 100));
  try {
    if (v1) {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(period));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    } else {
      writeFileSync(join(dir, 'cpu.max'), `${quota} ${period}`);
    }
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch (err) {
    rmdirSync(dir);
    throw err;
  }
  return {
    release() {
      try {
        writeFileSync(join(original, 'cgroup.procs'), String(pid));
      } catch {
        // the process is gone
      }
      try {
        rmdirSync(dir);
      } catch {
        // still busy (a thread exiting): the kernel frees it once empty
      }
    },
  };
}
