// The network lab: test hosts as network namespaces on one bridge, with bandwidth caps (tc tbf) and
// random loss (nftables on an input hook), a Roomkit server and Chromium clients running inside
// hosts, and a teardown() that removes every namespace, link, rule and process it made.
//
// What works on this machine (kernel without netem, root, inside scripts/netns.mjs's `unshare -n`):
// - `ip netns add <name>` works from inside `unshare -n`: /run/netns is on the host's mount
//   namespace, so the names are machine-wide; they carry the test process's pid and stale ones
//   (dead pid) are deleted by the next lab.
// - The hub is the test process's own (loopback-only) namespace: a bridge `rkbr<n>` with
//   10.99.<n>.254/24 and, per host, a veth pair (hub side `rk<n>h<i>`, host side `eth0`, 10.99.<n>.<i>).
//   A server started in-process can bind the hub address; one in a host binds that host's address.
// - Downlink cap of a host: tbf on the hub side of its veth (egress toward it); uplink cap: tbf on
//   its own eth0. `tc qdisc replace dev X root tbf rate Nkbit burst B latency 50ms`.
// - Loss: `nft add rule inet lab in meta l4proto udp numgen random mod 100 < N drop` in an input
//   hook chain of the receiving namespace (a drop on output returns EPERM to the sender instead).
// - Processes inside a host: `ip netns exec <ns> <cmd>` (it execs the command in place, so file
//   descriptors such as playwright's --remote-debugging-pipe pass through and the pid is the
//   command's own).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, launchChromium, type LaunchedBrowser } from './chromium.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const NS_PREFIX = 'rk-';
let labCount = 0;

export interface LabHost {
  /** The test's name for it. */
  name: string;
  /** Network namespace name (for `ip netns exec`). */
  ns: string;
  ip: string;
  /** Interface inside the host. */
  dev: 'eth0';
  /** The hub-side end of its veth (shape here to cap the host's downlink). */
  hubDev: string;
}

export interface LabServer {
  url: string;
  host: LabHost;
  process: ChildProcess;
  /** Server stdout+stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Runs a command, throwing with its stderr when it fails. */
export function run(cmd: string, args: string[], opts: { ns?: string | null; allowFail?: boolean } = {}): string {
  const [c, a] = opts.ns ? ['ip', ['netns', 'exec', opts.ns, cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { encoding: 'utf8' });
  if ((r.status !== 0 || r.error) && !opts.allowFail) {
    throw new Error(`${c} ${a.join(' ')} failed (${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
  }
  return r.stdout ?? '';
}

/** Deletes lab namespaces (and what runs in them) left by test processes that no longer exist. */
function sweepStale(): void {
  if (!existsSync('/run/netns')) return;
  for (const name of readdirSync('/run/netns')) {
    const m = /^rk-(\d+)-/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    killAll(name);
    run('ip', ['netns', 'del', name], { allowFail: true });
  }
}

/** Pids of the processes whose network namespace is `ns`. */
function pidsIn(ns: string): number[] {
  return run('ip', ['netns', 'pids', ns], { allowFail: true })
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number)
    .filter(isAlive);
}

function killAll(ns: string): void {
  for (const pid of pidsIn(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class NetLab {
  readonly index: number;
  readonly bridge: string;
  readonly subnet: string;
  readonly hubIp: string;
  readonly hosts = new Map<string, LabHost>();
  private readonly children = new Set<ChildProcess>();
  private readonly browsers = new Set<LaunchedBrowser>();
  private readonly tempDirs = new Set<string>();
  private readonly hubTables = new Set<string>();
  private torn = false;

  private constructor() {
    this.index = ++labCount;
    this.bridge = `rkbr${this.index}`;
    this.subnet = `10.99.${this.index}`;
    this.hubIp = `${this.subnet}.254`;
  }

  /** Builds the hub bridge. Refuses to run outside a private network namespace. */
  static create(): NetLab {
    const foreign = Object.keys(networkInterfaces()).filter((n) => n !== 'lo' && !/^rk/.test(n));
    if (foreign.length > 0 && process.env.RK_IN_NETNS !== '1') {
      throw new Error(`the network lab runs only inside a private namespace (npm test does that); this one has ${foreign.join(', ')}`);
    }
    sweepStale();
    const lab = new NetLab();
    run('ip', ['link', 'set', 'lo', 'up']);
    run('ip', ['link', 'add', lab.bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `${lab.hubIp}/24`, 'dev', lab.bridge]);
    run('ip', ['link', 'set', lab.bridge, 'up']);
    return lab;
  }

  /** A new host on the bridge with address 10.99.<lab>.<n> (n = 1, 2, ... in creation order). */
  addHost(name: string): LabHost {
    const i = this.hosts.size + 1;
    const host: LabHost = { name, ns: `${NS_PREFIX}${process.pid}-${this.index}-${i}`, ip: `${this.subnet}.${i}`, dev: 'eth0', hubDev: `rk${this.index}h${i}` };
    run('ip', ['netns', 'add', host.ns]);
    this.hosts.set(name, host);
    run('ip', ['link', 'add', host.hubDev, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.ns]);
    run('ip', ['link', 'set', host.hubDev, 'master', this.bridge, 'up']);
    const inHost = (...args: string[]) => run('ip', args, { ns: host.ns });
    inHost('link', 'set', 'lo', 'up');
    inHost('addr', 'add', `${host.ip}/24`, 'dev', 'eth0');
    inHost('link', 'set', 'eth0', 'up');
    return host;
  }

  host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host ${name}`);
    return h;
  }

  /** Caps egress of `dev` in namespace `ns` (null: the hub) to `kbit` with a token bucket. */
  capBandwidth(ns: string | null, dev: string, kbit: number): void {
    // Burst: at least one MTU and ~20 ms of rate, so tbf neither stalls nor lets big bursts through.
    const burstBytes = Math.max(3000, Math.round((kbit * 1000) / 8 / 50));
    run('tc', ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', String(burstBytes), 'latency', '50ms'], { ns });
  }

  clearBandwidth(ns: string | null, dev: string): void {
    run('tc', ['qdisc', 'del', 'dev', dev, 'root'], { ns, allowFail: true });
  }

  /** Everything sent to `host` passes at most `kbit`. */
  capDownlink(host: LabHost, kbit: number): void {
    this.capBandwidth(null, host.hubDev, kbit);
  }
  capUplink(host: LabHost, kbit: number): void {
    this.capBandwidth(host.ns, host.dev, kbit);
  }
  clearCaps(host: LabHost): void {
    this.clearBandwidth(null, host.hubDev);
    this.clearBandwidth(host.ns, host.dev);
  }

  /**
   * Drops `percent` % of the UDP packets arriving in namespace `ns` (null: the hub, e.g. an
   * in-process server's uplink from everyone; `fromIp` narrows it to one sender).
   */
  dropRandom(ns: string | null, percent: number, opts: { fromIp?: string } = {}): void {
    this.ensureInputChain(ns);
    const match = opts.fromIp ? ['ip', 'saddr', opts.fromIp] : [];
    const share = Math.round(percent) >= 100 ? [] : ['numgen', 'random', 'mod', '100', '<', String(Math.round(percent))];
    run('nft', ['add', 'rule', 'inet', 'lab', 'in', ...match, 'meta', 'l4proto', 'udp', ...share, 'counter', 'drop'], { ns });
  }

  /** Packets the loss rules of `ns` have dropped so far (their nftables counters). */
  droppedPackets(ns: string | null): number {
    const listing = run('nft', ['list', 'chain', 'inet', 'lab', 'in'], { ns, allowFail: true });
    return [...listing.matchAll(/counter packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  /**
   * Drops every TCP segment arriving in `ns` from/to `port` (optionally only from `peerIp`): a
   * signaling outage in which neither end gets a FIN or RST, so both must notice by timeouts.
   */
  blockTcp(ns: string | null, port: number, opts: { peerIp?: string } = {}): void {
    this.ensureInputChain(ns);
    const peer = opts.peerIp ? ['ip', 'saddr', opts.peerIp] : [];
    run('nft', ['add', 'rule', 'inet', 'lab', 'in', ...peer, 'tcp', 'sport', String(port), 'drop'], { ns });
    run('nft', ['add', 'rule', 'inet', 'lab', 'in', ...peer, 'tcp', 'dport', String(port), 'drop'], { ns });
  }

  /** Removes every drop rule of `ns` (loss and TCP blocks). */
  clearDrops(ns: string | null): void {
    run('nft', ['flush', 'chain', 'inet', 'lab', 'in'], { ns, allowFail: true });
  }

  /** Starts `roomkit start` inside `host`, bound to and announcing its address; waits for /health. */
  async startServer(host: LabHost, opts: { env?: Record<string, string>; args?: string[]; port?: number } = {}): Promise<LabServer> {
    const port = opts.port ?? 7880;
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-lab-data-'));
    this.tempDirs.add(dataDir);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ROOMKIT_')) env[k] = v;
    Object.assign(env, {
      ROOMKIT_BIND: host.ip,
      ROOMKIT_ANNOUNCED_IP: host.ip,
      ROOMKIT_PORT: String(port),
      ROOMKIT_RTC_PORT: '7882',
      ROOMKIT_DATA_DIR: dataDir,
      ROOMKIT_LOG_LEVEL: 'warn',
      ...opts.env,
    });
    const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '--import', 'tsx', 'packages/server/src/cli.ts', 'start', ...(opts.args ?? [])], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://${host.ip}:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server in ${host.name} exited (${child.exitCode}): ${output}`);
      const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`server in ${host.name} did not answer /health within 30 s: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8_000);
        await exited;
        clearTimeout(timer);
      }
      this.children.delete(child);
      await rm(dataDir, { recursive: true, force: true });
      this.tempDirs.delete(dataDir);
    };
    return { url, host, process: child, output: () => output, stop };
  }

  /**
   * Chromium inside `host`, through a wrapper executable that enters the namespace. Pages on
   * `secureOrigin` (the server's http URL) may use the camera and microphone.
   */
  async launchChromium(host: LabHost, opts: { secureOrigin?: string; extraArgs?: string[] } = {}): Promise<LaunchedBrowser> {
    const dir = await mkdtemp(join(tmpdir(), 'roomkit-lab-bin-'));
    this.tempDirs.add(dir);
    const wrapper = join(dir, 'chromium');
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec '${host.ns}' '${chromiumPath}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const extraArgs = [...(opts.extraArgs ?? [])];
    if (opts.secureOrigin) extraArgs.push(`--unsafely-treat-insecure-origin-as-secure=${opts.secureOrigin}`);
    const browser = await launchChromium({ executablePath: wrapper, extraArgs });
    this.browsers.add(browser);
    return browser;
  }

  /** Removes everything: processes, browsers, rules, qdiscs, namespaces, the bridge, temp dirs. */
  async teardown(): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    await Promise.all([...this.browsers].map((b) => b.close().catch(() => {})));
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    // Anything still running inside a host (browser helpers, a server's children) ends first: a
    // moment to exit on its own, then SIGKILL.
    const busy = () => [...this.hosts.values()].some((h) => pidsIn(h.ns).length > 0);
    for (let i = 0; i < 30 && busy(); i++) await sleep(100);
    for (const host of this.hosts.values()) killAll(host.ns);
    for (let i = 0; i < 50 && busy(); i++) await sleep(100);
    for (const host of this.hosts.values()) {
      run('ip', ['link', 'del', host.hubDev], { allowFail: true });
      run('ip', ['netns', 'del', host.ns], { allowFail: true });
    }
    for (const _ of this.hubTables) run('nft', ['delete', 'table', 'inet', 'lab'], { allowFail: true });
    run('ip', ['link', 'del', this.bridge], { allowFail: true });
    await Promise.all([...this.tempDirs].map((d) => rm(d, { recursive: true, force: true })));
  }

  private ensureInputChain(ns: string | null): void {
    run('nft', ['add', 'table', 'inet', 'lab'], { ns });
    run('nft', ['add', 'chain', 'inet', 'lab', 'in', '{ type filter hook input priority 0; policy accept; }'], { ns });
    if (ns === null) this.hubTables.add('lab');
  }
}
