// The egress compositor: joins the room as a hidden RECV_ONLY participant through our SDK, draws
// the layout on a canvas, mixes every participant's audio, and streams MediaRecorder chunks to the
// server's ingest socket (ffmpeg on the other side). Launched by the server in headless Chromium.
import { VideoSDK } from '/sdk/videosdk.mjs';

const q = new URLSearchParams(location.search);
const W = Number(q.get('w')) || 1280;
const H = Number(q.get('h')) || 720;
const LAYOUT = q.get('layout') || 'GRID';
const AUDIO_ONLY = q.get('mode') === 'audio';
const ONLY = q.get('only');
const ONLY_KINDS = q.get('kinds') ? q.get('kinds').split(',') : null;
const LIGHT = q.get('theme') === 'LIGHT';
const BG = LIGHT ? '#f2f3f5' : '#111318';
const TILE_BG = LIGHT ? '#d9dce1' : '#23262d';
const FG = LIGHT ? '#111' : '#eee';

const canvas = document.getElementById('stage');
canvas.width = W;
canvas.height = H;
const g = canvas.getContext('2d', { alpha: false });
const mediaBox = document.getElementById('media');

const ingest = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/egress/ingest?job=${q.get('job')}&key=${q.get('key')}`);
const ingestOpen = new Promise((resolve, reject) => {
  ingest.onopen = resolve;
  ingest.onerror = () => reject(new Error('ingest socket failed'));
});
const report = (msg) => ingestOpen.then(() => ingest.readyState === 1 && ingest.send(JSON.stringify(msg)));
const log = (message) => report({ type: 'log', message });
window.onerror = (e) => void log(`page error: ${e}`);

// ---- participants and their media --------------------------------------------------------
/** id → { id, name, video, share, audioNodes: Map<kind, {source, el}> } */
const people = new Map();
let speakerId = null;
let presenterId = null;

const audioCtx = new AudioContext({ sampleRate: 48000 });
const mixOut = audioCtx.createMediaStreamDestination();
// A silent constant keeps the mix producing samples when nobody talks.
const silence = audioCtx.createConstantSource();
const mute = audioCtx.createGain();
mute.gain.value = 0;
silence.connect(mute).connect(mixOut);
silence.start();

const wanted = (p, kind) => (!ONLY || p.id === ONLY) && (!ONLY_KINDS || ONLY_KINDS.includes(kind));

function person(p) {
  let rec = people.get(p.id);
  if (!rec) {
    rec = { id: p.id, name: p.displayName || p.id, video: null, share: null, audio: new Map(), joinedAt: performance.now() };
    people.set(p.id, rec);
  }
  return rec;
}

function videoElement(track) {
  const el = document.createElement('video');
  el.muted = true;
  el.autoplay = true;
  el.playsInline = true;
  el.srcObject = new MediaStream([track]);
  mediaBox.appendChild(el);
  void el.play().catch(() => {});
  return el;
}

function onStreamEnabled(p, stream) {
  if (!wanted(p, stream.kind)) return;
  const rec = person(p);
  if (stream.kind === 'video') rec.video = videoElement(stream.track);
  else if (stream.kind === 'share') rec.share = videoElement(stream.track);
  else if (stream.kind === 'audio' || stream.kind === 'shareAudio') {
    const ms = new MediaStream([stream.track]);
    // Chrome only pulls remote WebRTC audio into WebAudio while an element plays it too.
    const el = document.createElement('audio');
    el.muted = true;
    el.srcObject = ms;
    void el.play().catch(() => {});
    const source = audioCtx.createMediaStreamSource(ms);
    source.connect(mixOut);
    rec.audio.set(stream.kind, { source, el });
  }
}

function onStreamDisabled(p, stream) {
  const rec = people.get(p.id);
  if (!rec) return;
  if (stream.kind === 'video' && rec.video) { rec.video.remove(); rec.video = null; }
  if (stream.kind === 'share' && rec.share) { rec.share.remove(); rec.share = null; }
  const a = rec.audio.get(stream.kind);
  if (a) { a.source.disconnect(); a.el.srcObject = null; rec.audio.delete(stream.kind); }
}

function watch(p) {
  if (ONLY && p.id !== ONLY) return;
  person(p);
  p.on('stream-enabled', (s) => onStreamEnabled(p, s));
  p.on('stream-disabled', (s) => onStreamDisabled(p, s));
  for (const s of p.streams.values()) if (s.track) onStreamEnabled(p, s);
}

// ---- layout ---------------------------------------------------------------------------------
function drawCover(el, x, y, w, h) {
  const vw = el.videoWidth, vh = el.videoHeight;
  if (!vw || !vh || el.readyState < 2) return false;
  const scale = Math.max(w / vw, h / vh);
  const sw = w / scale, sh = h / scale;
  g.drawImage(el, (vw - sw) / 2, (vh - sh) / 2, sw, sh, x, y, w, h);
  return true;
}
function drawContain(el, x, y, w, h) {
  const vw = el.videoWidth, vh = el.videoHeight;
  if (!vw || !vh || el.readyState < 2) return false;
  const scale = Math.min(w / vw, h / vh);
  const dw = vw * scale, dh = vh * scale;
  g.drawImage(el, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
  return true;
}

function drawTile(rec, x, y, w, h, what = 'video') {
  g.fillStyle = TILE_BG;
  g.fillRect(x, y, w, h);
  const el = what === 'share' ? rec.share : rec.video;
  const drawn = el && (what === 'share' ? drawContain(el, x, y, w, h) : drawCover(el, x, y, w, h));
  if (!drawn) {
    // Camera off: an initial in a circle, as meeting UIs show it.
    const r = Math.min(w, h) * 0.18;
    g.fillStyle = '#5a6270';
    g.beginPath();
    g.arc(x + w / 2, y + h / 2, r, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#fff';
    g.font = `${Math.round(r)}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText((rec.name[0] || '?').toUpperCase(), x + w / 2, y + h / 2);
  }
  const fs = Math.max(12, Math.round(Math.min(w, h) / 18));
  g.font = `${fs}px sans-serif`;
  g.textAlign = 'left';
  g.textBaseline = 'bottom';
  const label = what === 'share' ? `${rec.name} (screen)` : rec.name;
  g.fillStyle = 'rgba(0,0,0,0.5)';
  g.fillRect(x + 6, y + h - fs - 12, g.measureText(label).width + 12, fs + 8);
  g.fillStyle = '#fff';
  g.fillText(label, x + 12, y + h - 8);
  if (rec.id === speakerId && what === 'video') {
    g.strokeStyle = '#3b82f6';
    g.lineWidth = 4;
    g.strokeRect(x + 2, y + 2, w - 4, h - 4);
  }
}

function grid(tiles, x, y, w, h) {
  const n = tiles.length;
  if (n === 0) return;
  const landscape = w >= h;
  let cols = Math.ceil(Math.sqrt(n));
  let rows = Math.ceil(n / cols);
  if (!landscape) [cols, rows] = [rows, cols];
  const gap = 6;
  const tw = (w - gap * (cols + 1)) / cols;
  const th = (h - gap * (rows + 1)) / rows;
  tiles.forEach((t, i) => {
    const r = Math.floor(i / cols), c = i % cols;
    const inRow = r === rows - 1 ? n - r * cols : cols;
    const offset = ((cols - inRow) * (tw + gap)) / 2;
    drawTile(t.rec, x + gap + offset + c * (tw + gap), y + gap + r * (th + gap), tw, th, t.what);
  });
}

function draw() {
  g.fillStyle = BG;
  g.fillRect(0, 0, W, H);
  const list = [...people.values()].sort((a, b) => a.joinedAt - b.joinedAt);
  if (list.length === 0) {
    g.fillStyle = FG;
    g.font = `${Math.round(H / 24)}px sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText('Waiting for participants', W / 2, H / 2);
    return;
  }
  const presenter = presenterId && people.get(presenterId)?.share ? people.get(presenterId) : list.find((r) => r.share);
  const speaker = people.get(speakerId) ?? list[0];
  const main = presenter ? { rec: presenter, what: 'share' } : LAYOUT !== 'GRID' ? { rec: speaker, what: 'video' } : null;
  if (!main) return grid(list.map((rec) => ({ rec, what: 'video' })), 0, 0, W, H);
  const others = list.filter((r) => main.what === 'share' || r !== main.rec).map((rec) => ({ rec, what: 'video' }));
  if (LAYOUT === 'SPOTLIGHT' || others.length === 0) return drawTile(main.rec, 0, 0, W, H, main.what);
  // SIDEBAR (and GRID while someone presents): main large, the others in a strip.
  const landscape = W >= H;
  if (landscape) {
    const side = Math.round(W * 0.22);
    drawTile(main.rec, 0, 0, W - side, H, main.what);
    const th = Math.min(H / others.length, side * 0.75);
    others.forEach((t, i) => drawTile(t.rec, W - side + 4, i * th + 4, side - 8, th - 8, t.what));
  } else {
    const strip = Math.round(H * 0.2);
    drawTile(main.rec, 0, 0, W, H - strip, main.what);
    const tw = Math.min(W / others.length, strip * 1.33);
    others.forEach((t, i) => drawTile(t.rec, i * tw + 4, H - strip + 4, tw - 8, strip - 8, t.what));
  }
}

// ---- recording -------------------------------------------------------------------------------
function pickMime() {
  const types = AUDIO_ONLY
    ? ['audio/webm;codecs=opus']
    : ['video/webm;codecs=h264,opus', 'video/x-matroska;codecs=avc1,opus', 'video/webm;codecs=vp8,opus'];
  return types.find((t) => MediaRecorder.isTypeSupported(t));
}

let recorder = null;
function startRecorder() {
  const mimeType = pickMime();
  const tracks = [...mixOut.stream.getAudioTracks()];
  if (!AUDIO_ONLY) tracks.unshift(...canvas.captureStream(30).getVideoTracks());
  recorder = new MediaRecorder(new MediaStream(tracks), {
    mimeType,
    videoBitsPerSecond: Number(q.get('vbps')) || 2_500_000,
    audioBitsPerSecond: 128_000,
    videoKeyFrameIntervalDuration: 2000,
  });
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0 && ingest.readyState === 1) ingest.send(e.data);
  };
  recorder.onstop = () => setTimeout(() => ingest.close(1000, 'done'), 100);
  recorder.onerror = (e) => void report({ type: 'error', message: `MediaRecorder: ${e.error?.message ?? e}` });
  void report({ type: 'hello', mime: mimeType });
  recorder.start(250);
}

function stopRecorder() {
  if (recorder && recorder.state !== 'inactive') recorder.stop();
  else ingest.close(1000, 'done');
}

ingest.onmessage = (ev) => {
  if (typeof ev.data === 'string' && JSON.parse(ev.data).type === 'stop') stopRecorder();
};

async function main() {
  await ingestOpen;
  VideoSDK.config(q.get('token'));
  const meeting = VideoSDK.initMeeting({
    meetingId: q.get('room'),
    participantId: `egress-${q.get('job')}`,
    name: 'Recorder',
    mode: 'RECV_ONLY',
    micEnabled: false,
    webcamEnabled: false,
    signalingBaseUrl: location.origin,
    // A recorder draws every video whatever its page's visibility: never pause for a hidden page.
    pauseVideoInBackground: false,
  });
  meeting.on('participant-joined', watch);
  meeting.on('participant-left', (p) => {
    const rec = people.get(p.id);
    if (!rec) return;
    for (const kind of ['video', 'share', 'audio', 'shareAudio']) onStreamDisabled(p, { kind });
    people.delete(p.id);
  });
  meeting.on('speaker-changed', (id) => { speakerId = id; });
  meeting.on('presenter-changed', (id) => { presenterId = id; });
  meeting.on('meeting-left', () => {
    void report({ type: 'ended' });
    stopRecorder();
  });
  await meeting.join();
  speakerId = meeting.activeSpeakerId;
  presenterId = meeting.activePresenterId;
  if (audioCtx.state !== 'running') await audioCtx.resume();
  draw();
  setInterval(draw, 1000 / 30);
  startRecorder();
}

main().catch((err) => void report({ type: 'error', message: String(err?.message ?? err) }));
