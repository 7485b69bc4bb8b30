// The server process as Linux accounts for it: CPU time of all its threads (/proc/<pid>/stat
// utime+stime), resident memory now and at its peak (/proc/<pid>/status VmRSS, VmHWM), and finding
// the pid that listens on a TCP port (/proc/net/tcp* → socket inode → /proc/*/fd).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ProcSample {
  /** performance.now() when read */
  at: number;
  /** utime + stime of every thread, seconds */
  cpuSeconds: number;
  rssKb: number;
  /** peak RSS over the process lifetime */
  hwmKb: number;
  threads: number;
}

let clockTicks = 0;
function ticksPerSecond(): number {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export function readProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parens: fields are counted from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at index 11 and 12, threads (20) at 17.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { at: performance.now(), cpuSeconds: (utime + stime) / ticksPerSecond(), rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), threads: Number(fields[17]) };
}

/** `pid` and every descendant (media worker processes), summed; hwmKb is the sum of their peaks. */
export function readProcTree(pid: number): ProcSample & { processes: number } {
  const pids = [pid, ...descendants(pid)];
  const total = { ...readProc(pid), processes: 1 };
  for (const child of pids.slice(1)) {
    try {
      const s = readProc(child);
      total.cpuSeconds += s.cpuSeconds;
      total.rssKb += s.rssKb;
      total.hwmKb += s.hwmKb;
      total.threads += s.threads;
      total.processes++;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** The pid listening on TCP `port` (IPv4 or IPv6), or null when it is not a local process we can see. */
export function findPidByPort(port: number): number | null {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1]!.split(':')[1] ?? '', 16);
      if (localPort === port && cols[3] === '0A') inodes.add(cols[9]!); // 0A = LISTEN
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return Number(entry);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  return null;
}

/** `ps` for the same pid, for cross-checking the /proc figures (verbose mode). */
export function psLine(pid: number): string {
  try {
    return execFileSync('ps', ['-o', 'pid,nlwp,rss,vsz,cputimes,pcpu,comm', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch (err) {
    return `ps failed: ${(err as Error).message}`;
  }
}
