// Starts Debian's nginx as the test's own child process on 127.0.0.1 (runNginx: a generated config
// in a temp dir, `daemon off; master_process off;`, a stop() that always kills it and removes the
// dir); startNginxRtmp: with the RTMP module and an `application live` that accepts any key.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_BIN = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const RTMP_MODULE = '/usr/lib/nginx/modules/ngx_rtmp_module.so';

export interface NginxRtmp {
  port: number;
  /** `rtmp://127.0.0.1:<port>/live`: the `url` of a livestream output. */
  url: string;
  /** Where a player reads the stream published under `key`. */
  playUrl(key: string): string;
  pid: number | undefined;
  /** nginx's error log so far (for failure messages). */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function nginxRtmpAvailable(): boolean {
  return existsSync(NGINX_BIN) && existsSync(RTMP_MODULE);
}

export interface RunningNginx {
  pid: number | undefined;
  /** The temp dir (config, logs, pid, temp files), removed by stop(). */
  dir: string;
  /** nginx's error log so far (for failure messages). */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs Debian's nginx as the test's own child process on a config made for the temp dir it gets
 * (`daemon off; master_process off;`, pid and logs inside it), until it accepts on `port`
 * (127.0.0.1). stop() always kills it and removes the dir.
 */
export async function runNginx(label: string, makeConfig: (dir: string) => string | Promise<string>, port: number): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), `roomkit-nginx-${label}-`));
  // -p sets the prefix so nginx's compiled-in paths (logs, temp) resolve inside the temp dir; -e
  // sends the startup error log there too instead of /var/log/nginx.
  let child: ChildProcess | undefined;
  let exited = false;
  const output: string[] = [];
  const stop = async () => {
    if (child && !exited) {
      child.kill('SIGTERM');
      const gone = await Promise.race([
        new Promise<boolean>((r) => child!.once('exit', () => r(true))),
        new Promise<boolean>((r) => setTimeout(() => r(false), 3_000).unref()),
      ]);
      if (!gone && !exited) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    await writeFile(join(dir, 'nginx.conf'), await makeConfig(dir));
    child = spawn(NGINX_BIN, ['-p', `${dir}/`, '-e', `${dir}/error.log`, '-c', join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (exited) throw new Error(`nginx exited at startup: ${output.join('')}`);
      if (Date.now() > deadline) throw new Error(`nginx did not accept on 127.0.0.1:${port} within 10 s: ${output.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid, dir, errorLog: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''), stop };
}

export async function startNginxRtmp(): Promise<NginxRtmp> {
  if (!nginxRtmpAvailable()) {
    throw new Error(`nginx with the RTMP module is missing (${NGINX_BIN}, ${RTMP_MODULE}): apt-get install -y nginx libnginx-mod-rtmp`);
  }
  const port = await freePort();
  const nginx = await runNginx('rtmp', (dir) => `
load_module ${RTMP_MODULE};
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
rtmp {
  server {
    listen 127.0.0.1:${port};
    chunk_size 4096;
    application live {
      live on;
      record off;
    }
  }
}
`, port);
  const url = `rtmp://127.0.0.1:${port}/live`;
  return {
    port,
    url,
    playUrl: (key) => `${url}/${key}`,
    pid: nginx.pid,
    errorLog: nginx.errorLog,
    stop: nginx.stop,
  };
}
