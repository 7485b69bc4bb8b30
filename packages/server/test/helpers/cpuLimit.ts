// Starves a process of CPU for real: moves it (all its threads) into a cgroup of its own with a CFS
// quota, and back out on release. cgroup v1 (`/sys/fs/cgroup/cpu`) or v2 (`cpu.max`); needs root.
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuLimit {
  release(): void;
}

const V1 = '/sys/fs/cgroup/cpu';
const V2 = '/sys/fs/cgroup';

/** True where this test can create cgroups (root, a writable cpu controller). */
export function canLimitCpu(): boolean {
  try {
    const probe = limitCpu(process.pid, 100, 'probe');
    probe.release();
    return true;
  } catch {
    return false;
  }
}

/** Limits `pid` to `percent` of one core until release(). */
export function limitCpu(pid: number, percent: number, tag = 'limit'): CpuLimit {
  const v1 = existsSync(join(V1, 'cpu.cfs_quota_us'));
  const root = v1 ? V1 : V2;
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
        writeFileSync(join(root, 'cgroup.procs'), String(pid));
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
