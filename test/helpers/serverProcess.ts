// Helpers for tests that start the server as an operator would (a separate process tree): free
// ports, the process tree under a pid (from ps), and waiting for /health to answer ok.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export function freeTcpPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** A UDP port nobody holds now, and its successor free too (a second media worker binds port + 1). */
export async function freeUdpPorts(): Promise<number> {
  const bind = (port: number) =>
    new Promise<boolean>((ok) => {
      const s = createSocket('udp4');
      s.once('error', () => ok(false));
      s.bind(port, '127.0.0.1', () => s.close(() => ok(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await bind(port)) && (await bind(port + 1))) return port;
  }
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

/** Every process now: pid → its row. */
export function processTable(): Map<number, ProcessRow> {
  const out = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout;
  const table = new Map<number, ProcessRow>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) table.set(Number(m[1]), { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] });
  }
  return table;
}

/** `pid` and its descendants. */
export function processTree(pid: number): ProcessRow[] {
  const table = processTable();
  const out: ProcessRow[] = [];
  const visit = (p: number) => {
    const row = table.get(p);
    if (!row) return;
    out.push(row);
    for (const child of table.values()) if (child.ppid === p) visit(child.pid);
  };
  visit(pid);
  return out;
}

/** Polls `/health` until it answers `{ok: true}`; throws (with `log()`) if `child` exits or `timeoutMs` passes. */
export async function waitForHealth(child: ChildProcess, port: number, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}:\n${log()}`);
    const body = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as Promise<{ ok?: boolean }>, () => null);
    if (body?.ok) return;
    if (Date.now() > deadline) throw new Error(`no /health ok on port ${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** SIGKILLs whichever of `pids` still run (afterAll cleanup). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
