// CPU of a process tree from /proc: utime+stime of every thread of each process (/proc/<pid>/stat
// counts all threads), children found by their ppid (Roomkit forks one media worker per core).
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = 100; // CLK_TCK on Linux x86-64

function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** pid and all its descendants alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const f = statFields(Number(e));
    if (!f) continue;
    const ppid = Number(f[1]);
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(Number(e));
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0 && out.length < 1000) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** CPU seconds (user + system, all threads) of the given processes, summed. */
export function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / TICKS;
}

/** "pid:command" for a log line. */
export function describe(pids: readonly number[]): string {
  return pids.map((pid) => {
    try {
      const s = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return `${pid}:${s.slice(-2).join(' ').slice(-60)}`;
    } catch {
      return `${pid}:?`;
    }
  }).join(', ');
}
