// The headless Chromium that renders one job's composite: launched on our compose page with a
// fresh profile, tied to the server's life (parent-death signal), and always removed on kill().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** As the integration tests launch it, minus the fake devices: the compositor captures nothing. */
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--mute-audio',
];

export class CompositorProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
  ) {}

  /** Launches Chromium on `url`; `onExit` fires once if it ends on its own or is killed. */
  static async launch(chromiumPath: string, url: string, onExit: (code: number | null, signal: string | null) => void, onLog?: (line: string) => void, tmpDir = tmpdir()): Promise<CompositorProcess> {
    await mkdir(tmpDir, { recursive: true });
    const profileDir = await mkdtemp(join(tmpDir, 'roomkit-compositor-'));
    // setpriv --pdeathsig: if the server dies (even kill -9) Chromium goes with it.
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', chromiumPath, ...ARGS, `--user-data-dir=${profileDir}`, url], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    child.stderr!.setEncoding('utf8');
    let buf = '';
    child.stderr!.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLog?.(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    const proc = new CompositorProcess(child, profileDir);
    child.once('exit', (code, signal) => {
      proc.exited = true;
      onExit(code, signal);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    return proc;
  }

  exited = false;

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ends the browser and all its processes (its own process group), then removes the profile. */
  async kill(): Promise<void> {
    const pid = this.child.pid;
    if (!this.exited && pid !== undefined) {
      const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
      try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
      const timer = setTimeout(() => {
        try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      }, 2000);
      await gone;
      clearTimeout(timer);
    }
    // Children of the group that outlived the browser.
    if (pid !== undefined) try { process.kill(-pid, 'SIGKILL'); } catch { /* none left */ }
    await rm(this.profileDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
}
