// The network lab itself: hosts reach each other over the bridge, a tbf cap limits a bounded
// transfer to about its rate, nftables random drop loses about the asked share, teardown leaves
// nothing behind.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetLab, type LabHost } from './netLab.js';

let lab: NetLab;
let a: LabHost;
let b: LabHost;

/** Runs a Node script inside a host; resolves with its stdout. */
function nodeIn(host: LabHost, script: string, args: string[] = []): { done: Promise<string> } {
  const child = spawn('ip', ['netns', 'exec', host.ns, process.execPath, '-e', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`node in ${host.name} exited ${code}: ${err}`));
    });
  });
  return { done };
}

const TCP_SINK = `
const net = require('net');
const srv = net.createServer((s) => { let n = 0; const t0 = Date.now();
  s.on('data', (d) => n += d.length);
  s.on('end', () => { console.log(JSON.stringify({ bytes: n, ms: Date.now() - t0 })); s.end(); srv.close(); });
});
srv.listen(9000, process.argv[1], () => console.error('listening'));`;

const TCP_SOURCE = `
const s = require('net').connect(9000, process.argv[1], () => { s.end(Buffer.alloc(Number(process.argv[2]), 7)); });
s.on('data', () => {}); s.on('close', () => process.exit(0));`;

const UDP_SINK = `
const sock = require('dgram').createSocket({ type: 'udp4', recvBufferSize: 4 << 20 }); let n = 0;
sock.on('message', (m) => { if (m.toString() === 'end') { console.log(n); sock.close(); } else n++; });
sock.bind(9001, process.argv[1], () => console.error('listening'));`;

const UDP_SOURCE = `
const sock = require('dgram').createSocket('udp4'); const total = Number(process.argv[2]); let i = 0;
const tick = () => { for (let k = 0; k < 10 && i < total; k++, i++) sock.send(Buffer.alloc(200), 9001, process.argv[1]);
  if (i < total) setTimeout(tick, 5); else setTimeout(() => { for (let k = 0; k < 20; k++) sock.send('end', 9001, process.argv[1]); setTimeout(() => sock.close(), 50); }, 100); };
tick();`;

/** Starts a sink, waits a moment for it to listen, runs the source, returns the sink's output. */
async function transfer(sink: string, source: string, sourceArgs: string[]): Promise<string> {
  const receiving = nodeIn(b, sink, [b.ip]);
  await new Promise((r) => setTimeout(r, 400));
  await nodeIn(a, source, [b.ip, ...sourceArgs]).done;
  return receiving.done;
}

beforeAll(() => {
  lab = NetLab.create();
  a = lab.addHost('a');
  b = lab.addHost('b');
});

afterAll(async () => {
  await lab?.teardown();
});

describe('NetLab', () => {
  it('addHost gives each host its own namespace and address, reachable from the other host and the hub', async () => {
    expect(a.ip).not.toBe(b.ip);
    const result = JSON.parse(await transfer(TCP_SINK, TCP_SOURCE, ['10000']));
    expect(result.bytes).toBe(10000);
    const fromHub = await new Promise<string>((resolve) => {
      const sock = connect(9, b.ip, () => resolve('open'));
      sock.on('error', (err: NodeJS.ErrnoException) => resolve(String(err.code)));
    });
    expect(fromHub).toBe('ECONNREFUSED'); // reached b's stack: refused, not unreachable
  });

  it('capDownlink at 800 kbit/s makes a 200 kB transfer take about 2 s; clearCaps restores speed', async () => {
    lab.capDownlink(b, 800);
    const capped = JSON.parse(await transfer(TCP_SINK, TCP_SOURCE, ['200000']));
    const kbit = (capped.bytes * 8) / capped.ms;
    expect(kbit, `measured ${kbit.toFixed(0)} kbit/s`).toBeGreaterThan(500);
    expect(kbit, `measured ${kbit.toFixed(0)} kbit/s`).toBeLessThan(900);
    lab.clearCaps(b);
    const free = JSON.parse(await transfer(TCP_SINK, TCP_SOURCE, ['200000']));
    expect((free.bytes * 8) / Math.max(1, free.ms)).toBeGreaterThan(5000);
  });

  it('dropRandom 10% on the receiver drops about a tenth of 3000 UDP packets; clearDrops ends it', async () => {
    lab.dropRandom(b.ns, 10);
    const received = Number(await transfer(UDP_SINK, UDP_SOURCE, ['3000']));
    // The rule's own counter, not the receiver's count: a loaded receiver may also overflow its
    // socket buffer, which is not the lab's doing.
    const dropped = lab.droppedPackets(b.ns);
    const lossPct = (dropped / 3000) * 100;
    expect(lossPct, `rule dropped ${lossPct.toFixed(1)}%`).toBeGreaterThan(7);
    expect(lossPct, `rule dropped ${lossPct.toFixed(1)}%`).toBeLessThan(13);
    expect(received).toBeLessThanOrEqual(3000 - dropped + 20); // the counter also saw some of the 20 end markers
    lab.clearDrops(b.ns);
    expect(lab.droppedPackets(b.ns)).toBe(0);
    expect(Number(await transfer(UDP_SINK, UDP_SOURCE, ['100']))).toBeGreaterThanOrEqual(98);
  });

  it('teardown removes the namespaces, the links and the bridge', async () => {
    const other = NetLab.create();
    const h = other.addHost('x');
    other.capDownlink(h, 1000);
    other.dropRandom(null, 5);
    await other.teardown();
    expect(existsSync(`/run/netns/${h.ns}`)).toBe(false);
    expect(Object.keys(networkInterfaces())).not.toContain(h.hubDev);
    expect(Object.keys(networkInterfaces())).not.toContain(other.bridge);
    expect(readdirSync('/run/netns').filter((n) => n.startsWith(`rk-${process.pid}-${other.index}-`))).toEqual([]);
  });
});
