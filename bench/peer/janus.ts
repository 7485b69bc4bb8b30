// Janus VideoRoom under test (Debian janus 1.1.2): started with a generated config dir (event_loops =
// cores, HTTP API on 127.0.0.1, only the videoroom plugin and the HTTP transport loaded), ICE on
// a veth pair created in this private namespace (libnice gathers nothing on `lo` alone), driven
// through the HTTP API by node-datachannel peers that reuse the node client's synthetic media,
// packetizer and verifying receive counters.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeDataChannel, { type Track } from 'node-datachannel';
import type { SyntheticMedia } from '@roomkit/node-client';
import { AudioSender } from '../../packages/node-client/src/media/AudioSender.js';
import { Pacer } from '../../packages/node-client/src/media/Pacer.js';
import { VideoLayerSender } from '../../packages/node-client/src/media/VideoLayerSender.js';
import { localDescriptionWhenGathered } from '../../packages/node-client/src/peerConnection.js';
import { StreamReceiver } from '../../packages/node-client/src/receive/StreamReceiver.js';
import type { ReceiveStats } from '../../packages/node-client/src/receive/ReceiveStats.js';
import { parseRtcp } from '../../packages/node-client/src/rtp/rtcp.js';
import { isRtcp } from '../../packages/node-client/src/rtp/rtp.js';
import { parseOfferedMedia } from '../../packages/node-client/src/sdp.js';
import type { DelayRecorder } from './delay.js';
import { sleep, withTimeout } from './roomkit.js';
import type { Peer, Room, Target } from './types.js';

const { PeerConnection, Audio, Video } = nodeDataChannel;
type PC = InstanceType<typeof PeerConnection>;

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
export const VETH = 'rkjanus0';
const VETH_PEER = 'rkjanus1';
export const JANUS_IP = '10.231.77.1';
export const CLIENT_IP = '10.231.77.2';
const REQUEST_TIMEOUT_MS = 10_000;

function sh(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * The veth pair Janus gathers on, both ends in this (private) namespace. Janus binds its ICE sockets
 * to the interface, so its packets leave through rkjanus0 even to a local address and it only
 * receives what arrives on rkjanus0: the clients' traffic to it must cross the pair too. So: static
 * neighbours (ARP refuses requests from a local sender address), accept_local (a packet from one of
 * our own addresses arriving on an interface is otherwise a martian), no rp_filter, and policy
 * routing that sends locally generated packets between the two addresses over the pair instead of
 * `lo` (the `local` table rule moved behind ours).
 */
export function createVeth(): void {
  deleteVeth();
  sh('ip', ['link', 'add', VETH, 'type', 'veth', 'peer', 'name', VETH_PEER]);
  sh('ip', ['addr', 'add', `${JANUS_IP}/24`, 'dev', VETH]);
  sh('ip', ['addr', 'add', `${CLIENT_IP}/24`, 'dev', VETH_PEER]);
  sh('ip', ['link', 'set', VETH, 'up']);
  sh('ip', ['link', 'set', VETH_PEER, 'up']);
  // (not /sys/class/net: sysfs is still the host's, mounted before unshare -n)
  const mac = (dev: string) => /link\/ether ([0-9a-f:]+)/.exec(execFileSync('ip', ['-o', 'link', 'show', 'dev', dev], { encoding: 'utf8' }))![1]!;
  sh('ip', ['neigh', 'replace', CLIENT_IP, 'lladdr', mac(VETH_PEER), 'dev', VETH, 'nud', 'permanent']);
  sh('ip', ['neigh', 'replace', JANUS_IP, 'lladdr', mac(VETH), 'dev', VETH_PEER, 'nud', 'permanent']);
  for (const dev of ['all', 'default', VETH, VETH_PEER]) {
    writeFileSync(`/proc/sys/net/ipv4/conf/${dev}/rp_filter`, '0');
    writeFileSync(`/proc/sys/net/ipv4/conf/${dev}/accept_local`, '1');
  }
  sh('ip', ['route', 'replace', JANUS_IP, 'dev', VETH_PEER, 'src', CLIENT_IP, 'table', '177']);
  sh('ip', ['route', 'replace', CLIENT_IP, 'dev', VETH, 'src', JANUS_IP, 'table', '178']);
  sh('ip', ['rule', 'add', 'pref', '100', 'iif', 'lo', 'from', CLIENT_IP, 'to', JANUS_IP, 'lookup', '177']);
  sh('ip', ['rule', 'add', 'pref', '101', 'iif', 'lo', 'from', JANUS_IP, 'to', CLIENT_IP, 'lookup', '178']);
  sh('ip', ['rule', 'add', 'pref', '1000', 'lookup', 'local']);
  sh('ip', ['rule', 'del', 'pref', '0', 'lookup', 'local']);
}

export function deleteVeth(): void {
  for (const args of [['rule', 'add', 'pref', '0', 'lookup', 'local'], ['rule', 'del', 'pref', '1000'], ['rule', 'del', 'pref', '100'], ['rule', 'del', 'pref', '101'],
    ['route', 'flush', 'table', '177'], ['route', 'flush', 'table', '178'], ['link', 'del', VETH]]) {
    try { sh('ip', args); } catch { /* not there */ }
  }
}

function writeConfig(dir: string, httpPort: number, eventLoops: number): void {
  const except = (folder: string, keep: string[]) =>
    readdirSync(join(LIB, folder)).filter((f) => /\.so$/.test(f) && !keep.includes(f)).join(',');
  writeFileSync(join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  log_to_stdout = true
  debug_level = ${process.env.BENCH_JANUS_LOG === '1' ? 5 : 3}
  session_timeout = 60
  event_loops = ${eventLoops}
  interface = "${JANUS_IP}"
}
media: {
  ipv6 = false
  rtp_port_range = "20000-40000"
}
nat: {
  nice_debug = false
  full_trickle = false
  ice_enforce_list = "${VETH}"
}
plugins: { disable = "${except('plugins', ['libjanus_videoroom.so'])}" }
transports: { disable = "${except('transports', ['libjanus_http.so'])}" }
loggers: { disable = "${except('loggers', [])}" }
events: { broadcast = false disable = "${except('events', [])}" }
`);
  writeFileSync(join(dir, 'janus.transport.http.jcfg'), `general: {
  json = "compact"
  base_path = "/janus"
  http = true
  port = ${httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: { admin_http = false }
`);
  writeFileSync(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
}

interface JanusEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  data?: { id: number };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: string; sdp: string };
  error?: { code: number; reason: string };
}

/** One Janus session over HTTP with a long-poll loop dispatching async events by transaction. */
class JanusSession {
  private id = 0;
  private tx = 0;
  private closed = false;
  private readonly waiting = new Map<string, (ev: JanusEvent) => void>();
  private poller: Promise<void> | null = null;

  constructor(private readonly base: string) {}

  async open(): Promise<void> {
    const r = await this.post(this.base, { janus: 'create' });
    this.id = r.data!.id;
    this.poller = this.poll();
  }

  async attach(): Promise<number> {
    const r = await this.post(`${this.base}/${this.id}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' });
    return r.data!.id;
  }

  /** A synchronous plugin request (create room, ...): the answer's plugindata. */
  async request(handle: number, body: object): Promise<Record<string, unknown>> {
    const r = await this.post(`${this.base}/${this.id}/${handle}`, { janus: 'message', body });
    const data = r.plugindata?.data ?? {};
    if (data.error) throw new Error(`janus ${JSON.stringify(body)}: ${String(data.error)}`);
    return data;
  }

  /** An async plugin message: resolves with the event (and jsep) that answers it. */
  async message(handle: number, body: object, jsep?: object): Promise<JanusEvent> {
    const transaction = `t${++this.tx}`;
    const answered = new Promise<JanusEvent>((resolve) => this.waiting.set(transaction, resolve));
    await this.post(`${this.base}/${this.id}/${handle}`, { janus: 'message', body, ...(jsep && { jsep }) }, transaction);
    const ev = await withTimeout(answered, REQUEST_TIMEOUT_MS).finally(() => this.waiting.delete(transaction));
    const data = ev.plugindata?.data ?? {};
    if (data.error || ev.janus === 'error') throw new Error(`janus ${JSON.stringify(body)}: ${String(data.error ?? ev.error?.reason)}`);
    return ev;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.id) await this.post(`${this.base}/${this.id}`, { janus: 'destroy' }).catch(() => {});
    await withTimeout(this.poller ?? Promise.resolve(), 3000).catch(() => {});
  }

  private async post(url: string, body: object, transaction = `t${++this.tx}`): Promise<JanusEvent> {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ ...body, transaction }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const ev = (await res.json()) as JanusEvent;
    if (ev.janus === 'error') throw new Error(`janus ${JSON.stringify(body).slice(0, 120)}: ${ev.error?.code} ${ev.error?.reason}`);
    return ev;
  }

  private async poll(): Promise<void> {
    let failures = 0;
    while (!this.closed && failures < 5) {
      try {
        const res = await fetch(`${this.base}/${this.id}?maxev=50&rid=${Date.now()}`, { signal: AbortSignal.timeout(40_000) });
        const body = (await res.json()) as JanusEvent | JanusEvent[];
        for (const ev of Array.isArray(body) ? body : [body]) {
          if (ev.transaction && ev.janus === 'event') this.waiting.get(ev.transaction)?.(ev);
        }
        failures = 0;
      } catch {
        if (!this.closed) failures++;
        await sleep(100);
      }
    }
  }
}

/** A publisher PeerConnection: audio (mid 0) + one 1 Mbps VP8 stream (mid 1), paced like the node client. */
class JanusPublisher {
  readonly pc: PC;
  private readonly audioTrack: Track;
  private readonly videoTrack: Track;
  private readonly audio: AudioSender;
  private readonly video: VideoLayerSender;
  private readonly pacers: Pacer[];
  private lastKeyframe = 0;

  constructor(name: string, media: SyntheticMedia) {
    this.pc = new PeerConnection(name, { iceServers: [], bindAddress: CLIENT_IP, disableAutoNegotiation: true });
    this.audio = new AudioSender(media.audio, 111, 0);
    this.video = new VideoLayerSender(media.layers[media.layers.length - 1]!, 96, 0);
    const a = new Audio('0', 'SendOnly');
    a.addOpusCodec(111);
    a.addSSRC(this.audio.rtp.ssrc, name, 'rk-bench', 'rk-bench-audio');
    const v = new Video('1', 'SendOnly');
    v.addVP8Codec(96);
    v.addSSRC(this.video.rtp.ssrc, name, 'rk-bench', 'rk-bench-video');
    this.audioTrack = this.pc.addTrack(a);
    this.videoTrack = this.pc.addTrack(v);
    const videoPacer = new Pacer(1000 / media.frameRate, (slot) => {
      for (const p of this.video.nextFrame(slot, media.frameRate)) send(this.videoTrack, this.video.rtp, p);
    }, () => this.video.requestKeyframe());
    const audioPacer = new Pacer(20, (slot) => send(this.audioTrack, this.audio.rtp, this.audio.nextPacket(slot)));
    this.pacers = [audioPacer, videoPacer];
    const onKeyframe = () => {
      const now = performance.now();
      if (now - this.lastKeyframe < 100) return;
      this.lastKeyframe = now;
      this.video.requestKeyframe();
    };
    this.videoTrack.onMessage((msg) => {
      if (isRtcp(msg)) parseRtcp(msg, { onPli: onKeyframe, onFir: onKeyframe });
    });
    this.audioTrack.onMessage(() => {});
  }

  async offer(): Promise<string> {
    this.pc.setLocalDescription('offer');
    return localDescriptionWhenGathered(this.pc);
  }

  async answer(sdp: string): Promise<void> {
    this.pc.setRemoteDescription(sdp, 'answer');
    const deadline = performance.now() + 10_000;
    while (!(this.videoTrack.isOpen() && this.audioTrack.isOpen()) && performance.now() < deadline) await sleep(20);
    if (!this.videoTrack.isOpen()) throw new Error(`publisher media did not open (pc ${this.pc.state()})`);
    for (const p of this.pacers) p.begin();
  }

  close(): void {
    for (const p of this.pacers) p.stop();
    try { this.pc.close(); } catch { /* closed */ }
  }
}

function send(track: Track, state: { packetsSent: number; bytesSent: number; sendErrors: number }, packet: Buffer): void {
  try {
    track.sendMessageBinary(packet);
    state.packetsSent++;
    state.bytesSent += packet.length;
  } catch {
    state.sendErrors++;
  }
}

/** A subscriber PeerConnection answering Janus's offer; a StreamReceiver per m-line. */
class JanusSubscriber {
  pc: PC | null = null;
  readonly receivers: StreamReceiver[] = [];
  private readonly tracks: Track[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly senderSsrc = ((Math.random() * 0xfffffff0) >>> 0) + 1;

  constructor(private readonly name: string, private readonly delay: DelayRecorder) {}

  async answer(offer: string): Promise<string> {
    const pc = new PeerConnection(this.name, { iceServers: [], bindAddress: CLIENT_IP });
    this.pc = pc;
    const offered = parseOfferedMedia(offer);
    pc.onTrack((track) => {
      this.tracks.push(track); // keep a reference: a collected Track stops delivering
      const media = offered.get(track.mid());
      if (!media) return;
      const receiver = new StreamReceiver(media.kind, { media: media.payloadType, rtx: media.rtxPayloadTypes }, (p) => {
        try { track.sendMessageBinary(p); } catch { /* not open */ }
      }, this.senderSsrc);
      if (media.kind === 'video') receiver.onRtp((buf, h) => {
        if (h.payloadType === media.payloadType) this.delay.onVideoPacket(buf);
      });
      this.receivers.push(receiver);
      track.onMessage((msg) => {
        if (isRtcp(msg)) receiver.handleRtcp(msg);
        else receiver.handlePacket(msg);
      });
    });
    const answered = new Promise<void>((resolve) => pc.onLocalDescription((_s, type) => { if (type === 'answer') resolve(); }));
    pc.setRemoteDescription(offer, 'offer');
    await withTimeout(answered, 5000);
    this.timer = setInterval(() => {
      const now = performance.now();
      for (const r of this.receivers) r.tick(now);
    }, 100);
    return localDescriptionWhenGathered(pc);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    try { this.pc?.close(); } catch { /* closed */ }
  }
}

export async function startJanus(opts: { httpPort: number; media: SyntheticMedia; delay: DelayRecorder; log: (s: string) => void }): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'roomkit-bench-janus-'));
  const eventLoops = cpus().length;
  writeConfig(dir, opts.httpPort, eventLoops);
  createVeth();
  const logTail: string[] = [];
  let discarded = 0;
  let lastDiscardLog = -1e9;
  const child: ChildProcess = spawn('janus', ['-C', join(dir, 'janus.jcfg'), '-F', dir, '-o'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      logTail.push(line);
      if (logTail.length > 40) logTail.shift();
      // Under overload Janus logs one line per dropped packet (thousands a second): count them instead.
      if (line.includes('Discarding too old outgoing packet')) {
        discarded++;
        const now = performance.now();
        if (now - lastDiscardLog > 2000) {
          lastDiscardLog = now;
          opts.log(`janus: overload: ${discarded} outgoing packets discarded as too old (>1 s) so far`);
        }
        continue;
      }
      if (process.env.BENCH_JANUS_LOG === '1' || /error|fail|warn/i.test(line) && !/Failed to add some remote candidates|nice_agent_set_port_range|has been disabled|didn't specify any STUN/i.test(line)) opts.log(`janus: ${line.trim()}`);
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => { exited = true; });
  const base = `http://127.0.0.1:${opts.httpPort}/janus`;
  const sessions: JanusSession[] = [];
  const stop = async () => {
    await Promise.all(sessions.map((s) => s.close()));
    if (!exited) {
      child.kill('SIGTERM');
      const gone = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(5000).then(() => false)]);
      if (!gone && !exited) child.kill('SIGKILL');
    }
    deleteVeth();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let up = false;
    for (let i = 0; i < 100 && !exited && !up; i++) {
      try {
        up = (await fetch(`${base}/info`)).ok;
      } catch {
        await sleep(200);
      }
    }
    if (!up) throw new Error(`janus did not come up within 20 s${exited ? ' (it exited)' : ''}; last log lines:\n${logTail.join('\n')}`);
  } catch (err) {
    await stop();
    throw err;
  }
  opts.log(`janus: pid ${child.pid}, event_loops = ${eventLoops}, ICE on ${VETH} ${JANUS_IP}`);
  let nextRoom = 1000;

  return {
    name: 'Janus',
    pids: () => [child.pid!],
    stop,
    async room() {
      const session = new JanusSession(base);
      sessions.push(session);
      await session.open();
      const admin = await session.attach();
      const roomId = nextRoom++;
      await session.request(admin, {
        request: 'create', room: roomId, publishers: 16, bitrate: 0, fir_freq: 0, videocodec: 'vp8', audiocodec: 'opus',
        notify_joining: false, audiolevel_event: false, is_private: false,
      });
      const feeds: number[] = [];
      const closers: Array<() => void> = [];
      const subscribe = async (name: string, exclude: number | null): Promise<JanusSubscriber | null> => {
        const streams = feeds.filter((f) => f !== exclude).map((feed) => ({ feed }));
        if (streams.length === 0) return null;
        const handle = await session.attach();
        const sub = new JanusSubscriber(name, opts.delay);
        closers.push(() => sub.close());
        const ev = await session.message(handle, { request: 'join', ptype: 'subscriber', room: roomId, streams });
        if (!ev.jsep) throw new Error('janus subscriber join: no offer');
        const answer = await sub.answer(ev.jsep.sdp);
        await session.message(handle, { request: 'start' }, { type: 'answer', sdp: answer, trickle: false });
        return sub;
      };
      // Meeting: every publisher subscribes to all the others once they are all in.
      const publishers: Array<Peer & { feed: number; sub: JanusSubscriber | null }> = [];
      const room: Room = {
        async subscribeAll() {
          await Promise.all(publishers.map(async (p, i) => { p.sub = await subscribe(`meet-sub-${i}`, p.feed); }));
        },
        async addPublisher(name) {
          const handle = await session.attach();
          const pub = new JanusPublisher(name, opts.media);
          closers.push(() => pub.close());
          const offer = await pub.offer();
          const ev = await session.message(handle, { request: 'joinandconfigure', ptype: 'publisher', room: roomId, display: name, audio: true, video: true },
            { type: 'offer', sdp: offer, trickle: false });
          if (!ev.jsep) throw new Error(`janus publisher join: no answer (${JSON.stringify(ev.plugindata?.data).slice(0, 200)})`);
          if (process.env.BENCH_JANUS_LOG === '1') opts.log(`offer:\n${offer}\nanswer:\n${ev.jsep.sdp}`);
          await pub.answer(ev.jsep.sdp);
          const id = Number((ev.plugindata!.data as { id: number }).id);
          // A meeting peer receives everyone already there; those already there get the newcomer
          // through subscribeAll() (called by the scenario once all publishers are in).
          feeds.push(id);
          const peer: Peer & { feed: number; sub: JanusSubscriber | null } = {
            feed: id, sub: null,
            received: () => peer.sub?.receivers.map((r) => r.stats) ?? [],
            close: async () => { peer.sub?.close(); pub.close(); },
          };
          publishers.push(peer);
          return peer;
        },
        async addSubscriber(name) {
          const sub = await subscribe(name, null);
          return { received: () => sub?.receivers.map((r) => r.stats) ?? [], close: async () => sub?.close() };
        },
        close: async () => {
          for (const c of closers) c();
          await session.close();
        },
      };
      return room;
    },
  };
}

export type { ReceiveStats };
