// Debian's real `prometheus` for tests: started on a free loopback port with a temp config and
// TSDB, scraping the targets given; stop() kills it (SIGTERM, then SIGKILL) and removes its files.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const hasPrometheus = existsSync(PROMETHEUS_BIN);

export interface PrometheusServer {
  url: string;
  /** An instant query through /api/v1/query: the result vector (empty when nothing matches). */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Polls `query(expr)` until `ok` accepts the result (every 500 ms, up to timeoutMs); returns the last result. */
  until(expr: string, ok: (r: Awaited<ReturnType<PrometheusServer['query']>>) => boolean, timeoutMs?: number): Promise<Awaited<ReturnType<PrometheusServer['query']>>>;
  /** stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ScrapeTarget {
  job: string;
  /** host:port */
  target: string;
  bearerToken?: string;
}

export async function startPrometheus(targets: ScrapeTarget[], scrapeIntervalSeconds = 1): Promise<PrometheusServer> {
  if (!hasPrometheus) throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install -y --no-install-recommends prometheus (see .ci/run)`);
  const dir = await mkdtemp(join(tmpdir(), 'roomkit-prometheus-'));
  let child: ChildProcess | null = null;
  let stderr = '';
  const stop = async () => {
    const c = child;
    child = null;
    if (c && c.exitCode === null && c.signalCode === null) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const scrapeConfigs = await Promise.all(
      targets.map(async (t, i) => {
        let auth = '';
        if (t.bearerToken) {
          const file = join(dir, `token-${i}`);
          await writeFile(file, t.bearerToken, { mode: 0o600 });
          auth = `    authorization:\n      type: Bearer\n      credentials_file: ${file}\n`;
        }
        return `  - job_name: ${t.job}\n    scrape_interval: ${scrapeIntervalSeconds}s\n    scrape_timeout: ${scrapeIntervalSeconds}s\n${auth}    static_configs:\n      - targets: ['${t.target}']\n`;
      }),
    );
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, `global:\n  scrape_interval: ${scrapeIntervalSeconds}s\n  evaluation_interval: ${scrapeIntervalSeconds}s\nscrape_configs:\n${scrapeConfigs.join('')}`);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = spawn(PROMETHEUS_BIN, [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString();
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`prometheus exited with ${proc.exitCode}: ${stderr}`);
      const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`prometheus not ready within 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const query: PrometheusServer['query'] = async (expr) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data!.resultType === 'vector' ? (body.data!.result as Awaited<ReturnType<PrometheusServer['query']>>) : [];
    };
    return {
      url,
      query,
      async until(expr, ok, timeoutMs = 30_000) {
        const end = Date.now() + timeoutMs;
        let result = await query(expr);
        while (!ok(result) && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 500));
          result = await query(expr);
        }
        return result;
      },
      log: () => stderr,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
