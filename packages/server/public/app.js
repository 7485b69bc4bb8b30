// Roomkit demo page: join a room, see and hear everyone, chat. Uses only the public SDK API
// (the same names as the VideoSDK JavaScript SDK), so it doubles as a usage example.
import { VideoSDK } from '/sdk/videosdk.mjs';

const $ = (sel) => document.querySelector(sel);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const ICONS = {
  mic: '<svg viewBox="0 0 24 24"><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z"/></svg>',
  cam: '<svg viewBox="0 0 24 24"><path d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z"/></svg>',
};

// ---------------------------------------------------------------- state
let meeting = null;
/** participantId → { participant, tile, video, audios: Map<streamId, HTMLAudioElement> } */
const views = new Map();
/** `${participantId}` → share tile element */
const shareTiles = new Map();
const seenMessages = new Set();
let leaving = false;

// ---------------------------------------------------------------- errors
function showError(message) {
  $('#error-text').textContent = message;
  $('#error-banner').hidden = false;
}
$('#error-dismiss').addEventListener('click', () => { $('#error-banner').hidden = true; });

// ---------------------------------------------------------------- lobby
const params = new URLSearchParams(location.search);
$('#room').value = params.get('room') || randomRoomId();
$('#name').value = localStorage.getItem('roomkit.name') || '';
(($('#name').value ? $('#join') : $('#name'))).focus();

function randomRoomId() {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const s = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return `${s.slice(0, 3)}-${s.slice(3, 7)}`;
}

async function fetchDevToken(roomId, name) {
  const url = `/dev/token?roomId=${encodeURIComponent(roomId)}&name=${encodeURIComponent(name)}`;
  let res;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`Cannot reach the Roomkit server (${err.message}).`);
  }
  const body = await res.json().catch(() => ({}));
  if (res.ok && body.token) return body.token;
  const detail = body?.error?.message || body?.message || (typeof body?.error === 'string' ? body.error : '') || res.statusText;
  if (res.status === 403 || res.status === 404) {
    throw new Error(
      `This server does not hand out tokens (it is not in dev mode): ${detail}. ` +
      'In production your app\'s backend mints a token (an HS256 JWT signed with the API secret) ' +
      'and passes it to VideoSDK.config(token). See the README, "Minting tokens".',
    );
  }
  throw new Error(`Could not get a token: ${res.status} ${detail}`);
}

$('#join-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const name = $('#name').value.trim();
  const roomId = $('#room').value.trim();
  if (!name || !roomId) return;
  localStorage.setItem('roomkit.name', name);
  $('#join').disabled = true;
  $('#join').textContent = 'Joining…';
  try {
    const token = await fetchDevToken(roomId, name);
    await joinMeeting({ token, roomId, name, mic: $('#join-mic').checked, camera: $('#join-camera').checked });
  } catch (err) {
    showError(err.message || String(err));
    teardown();
  } finally {
    $('#join').disabled = false;
    $('#join').textContent = 'Join';
  }
});

// ---------------------------------------------------------------- meeting
async function joinMeeting({ token, roomId, name, mic, camera }) {
  VideoSDK.config(token);
  meeting = VideoSDK.initMeeting({ meetingId: roomId, name, micEnabled: mic, webcamEnabled: camera });
  leaving = false;

  meeting.on('meeting-joined', () => {
    const url = new URL(location.href);
    url.searchParams.set('room', roomId);
    history.replaceState(null, '', url);
    $('#room-label').textContent = roomId;
    $('#lobby').hidden = true;
    $('#meeting').hidden = false;
    addParticipant(meeting.localParticipant);
    for (const p of meeting.participants.values()) addParticipant(p);
    updateControls();
    setUpChat();
  });
  meeting.on('meeting-left', (info) => {
    const reason = info?.reason;
    teardown();
    if (!leaving && reason !== undefined && reason !== VideoSDK.Constants?.leaveReason?.MANUAL_LEAVE_CALLED) {
      showError(`You left the meeting (${describeLeaveReason(reason)}).`);
    }
  });
  meeting.on('meeting-state-changed', (ev) => {
    const state = ev?.state ?? ev;
    $('#meeting-state').textContent = state === 'CONNECTED' ? '' : String(state).toLowerCase();
  });
  meeting.on('participant-joined', (p) => addParticipant(p));
  meeting.on('participant-left', (p) => removeParticipant(p.id));
  meeting.on('speaker-changed', (id) => highlightSpeaker(id ?? meeting.activeSpeakerId));
  meeting.on('error', (e) => showError(`${e?.message ?? e}${e?.code ? ` (code ${e.code})` : ''}`));

  // The local tile is added at meeting-joined: the server assigns the participant id on join.
  await meeting.join();
}

function describeLeaveReason(reason) {
  const reasons = VideoSDK.Constants?.leaveReason ?? {};
  const name = Object.keys(reasons).find((k) => reasons[k] === reason);
  return name ? name.toLowerCase().replaceAll('_', ' ') : `reason ${reason}`;
}

function teardown() {
  for (const id of [...views.keys()]) removeParticipant(id);
  seenMessages.clear();
  $('#chat-log').replaceChildren();
  $('#participant-list').replaceChildren();
  $('#participant-count').textContent = '0';
  $('#meeting').hidden = true;
  $('#lobby').hidden = false;
  meeting = null;
}

// ---------------------------------------------------------------- tiles
function addParticipant(participant) {
  if (!participant || views.has(participant.id)) return;
  const tile = $('#tile-template').content.firstElementChild.cloneNode(true);
  tile.dataset.participantId = participant.id;
  if (participant.local) tile.classList.add('local');
  tile.querySelector('.name').textContent = participant.displayName + (participant.local ? ' (you)' : '');
  tile.querySelector('.avatar').textContent = initials(participant.displayName);
  tile.querySelector('.icon.mic').innerHTML = ICONS.mic;
  tile.querySelector('.icon.cam').innerHTML = ICONS.cam;
  const view = { participant, tile, player: null, video: null, audios: new Map(), maxQuality: 'auto' };
  setPlayer(view);
  if (!participant.local) tile.append(qualityMenu(view));
  views.set(participant.id, view);
  // Local first, then remote in join order.
  if (participant.local) $('#grid').prepend(tile);
  else $('#grid').append(tile);

  view.onEnabled = (stream) => attachStream(view, stream);
  view.onDisabled = (stream) => detachStream(view, stream);
  view.onStatus = () => updateTile(view);
  participant.on('stream-enabled', view.onEnabled);
  participant.on('stream-disabled', view.onDisabled);
  participant.on('media-status-changed', view.onStatus);
  for (const stream of participant.streams?.values?.() ?? []) attachStream(view, stream);
  updateTile(view);
  renderParticipantList();
  if (meeting?.activeSpeakerId === participant.id) highlightSpeaker(participant.id);
}

function removeParticipant(id) {
  const view = views.get(id);
  if (!view) return;
  const { participant } = view;
  participant.off?.('stream-enabled', view.onEnabled);
  participant.off?.('stream-disabled', view.onDisabled);
  participant.off?.('media-status-changed', view.onStatus);
  view.video.srcObject = null;
  for (const audio of view.audios.values()) { audio.srcObject = null; audio.remove(); }
  view.tile.remove();
  removeShareTile(id);
  views.delete(id);
  renderParticipantList();
}

/**
 * The camera goes in an SDK-owned element (participant.renderVideo): it attaches the track while the
 * camera is on and, for remote people, pauses the stream while the tile is off-screen or the tab is
 * in the background, and receives the layer that fits the tile (never above maxQuality).
 */
function setPlayer(view) {
  const player = view.participant.renderVideo({ type: 'video', maxQuality: view.maxQuality, containerStyle: { width: '100%', height: '100%' } });
  (view.player ?? view.tile.querySelector('video')).replaceWith(player);
  view.player = player;
  view.video = player.querySelector('video');
}

function attachStream(view, stream) {
  const { participant } = view;
  switch (stream.kind) {
    case 'video':
      break; // the player attaches it
    case 'share':
      shareTile(participant).querySelector('video').srcObject = new MediaStream([stream.track]);
      break;
    case 'audio':
    case 'shareAudio': {
      if (participant.local) break; // never play yourself back
      view.audios.get(stream.id)?.remove();
      const audio = el('audio', { autoplay: true });
      audio.dataset.streamId = stream.id;
      audio.dataset.kind = stream.kind;
      audio.srcObject = new MediaStream([stream.track]);
      view.tile.append(audio);
      view.audios.set(stream.id, audio);
      audio.play().catch(() => offerAudioUnlock());
      break;
    }
  }
  updateTile(view);
}

function detachStream(view, stream) {
  switch (stream.kind) {
    case 'video':
      break; // the player detaches it
    case 'share':
      removeShareTile(view.participant.id);
      break;
    case 'audio':
    case 'shareAudio': {
      const audio = view.audios.get(stream.id);
      if (audio) { audio.srcObject = null; audio.remove(); view.audios.delete(stream.id); }
      break;
    }
  }
  updateTile(view);
}

function shareTile(participant) {
  let tile = shareTiles.get(participant.id);
  if (!tile) {
    tile = el('div', { className: 'tile share' },
      el('video', { autoplay: true, playsInline: true, muted: true }),
      el('div', { className: 'label' }, el('span', { className: 'name', textContent: `${participant.displayName}'s screen` })));
    tile.dataset.shareOf = participant.id;
    tile.querySelector('video').muted = true; // the attribute, not just the property, for autoplay
    shareTiles.set(participant.id, tile);
    $('#grid').prepend(tile);
  }
  return tile;
}

function removeShareTile(id) {
  const tile = shareTiles.get(id);
  if (!tile) return;
  tile.querySelector('video').srcObject = null;
  tile.remove();
  shareTiles.delete(id);
}

function updateTile(view) {
  const { participant, tile, video } = view;
  const hasVideo = Boolean(video.srcObject) && participant.webcamOn !== false;
  tile.classList.toggle('no-video', !hasVideo);
  tile.classList.toggle('mic-off', !participant.micOn);
  tile.classList.toggle('cam-off', !participant.webcamOn);
  tile.dataset.micOn = String(Boolean(participant.micOn));
  tile.dataset.webcamOn = String(Boolean(participant.webcamOn));
  if (participant.local) updateControls();
  renderParticipantList();
}

function highlightSpeaker(id) {
  for (const [pid, view] of views) view.tile.classList.toggle('speaking', pid === id);
}

function qualityMenu(view) {
  const select = el('select', { className: 'quality', title: 'Highest video quality (auto: fits the tile)' },
    ...['auto', 'high', 'med', 'low'].map((q) => el('option', { value: q, textContent: q === 'med' ? 'medium' : q })));
  select.value = view.maxQuality;
  select.addEventListener('change', () => {
    view.maxQuality = select.value;
    setPlayer(view);
    updateTile(view);
  });
  return select;
}

function initials(name = '') {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';
}

let unlockShown = false;
function offerAudioUnlock() {
  if (unlockShown) return;
  unlockShown = true;
  showError('The browser blocked audio playback. Click anywhere to enable sound.');
  document.addEventListener('click', () => {
    for (const v of views.values()) for (const a of v.audios.values()) a.play().catch(() => {});
    unlockShown = false;
  }, { once: true });
}

// ---------------------------------------------------------------- participant list
function renderParticipantList() {
  const list = $('#participant-list');
  const items = [...views.values()].map(({ participant: p }) => {
    const li = el('li', {},
      el('span', { className: 'name', textContent: p.displayName + (p.local ? ' (you)' : '') }),
      el('span', { className: 'states', textContent: `${p.micOn ? '' : 'muted'}${!p.micOn && !p.webcamOn ? ' · ' : ''}${p.webcamOn ? '' : 'no video'}` }));
    li.dataset.participantId = p.id;
    return li;
  });
  list.replaceChildren(...items);
  $('#participant-count').textContent = String(views.size);
}

// ---------------------------------------------------------------- controls
function updateControls() {
  const me = meeting?.localParticipant;
  if (!me) return;
  setButton($('#mic'), me.micOn, 'Mute', 'Unmute');
  setButton($('#camera'), me.webcamOn, 'Stop camera', 'Start camera');
  setButton($('#share'), me.screenShareOn, 'Stop sharing', 'Share screen');
}

function setButton(button, on, onLabel, offLabel) {
  button.setAttribute('aria-pressed', String(Boolean(on)));
  button.classList.toggle('off', !on);
  button.textContent = on ? onLabel : offLabel;
}

async function run(button, action) {
  if (!meeting) return;
  button.disabled = true;
  try {
    await action();
  } catch (err) {
    showError(err?.message ?? String(err));
  } finally {
    button.disabled = false;
    updateControls();
  }
}

$('#mic').addEventListener('click', (ev) =>
  run(ev.currentTarget, () => (meeting.localParticipant.micOn ? meeting.muteMic() : meeting.unmuteMic())));
$('#camera').addEventListener('click', (ev) =>
  run(ev.currentTarget, () => (meeting.localParticipant.webcamOn ? meeting.disableWebcam() : meeting.enableWebcam())));
$('#share').addEventListener('click', (ev) =>
  run(ev.currentTarget, () => (meeting.localParticipant.screenShareOn ? meeting.disableScreenShare() : meeting.enableScreenShare())));
$('#leave').addEventListener('click', async () => {
  if (!meeting) return;
  leaving = true;
  const m = meeting;
  try { await m.leave(); } catch (err) { showError(err?.message ?? String(err)); }
  if (meeting === m) teardown(); // in case meeting-left did not fire
});
$('#copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    $('#copy-link').textContent = 'Copied';
  } catch {
    prompt('Share this link:', location.href);
  }
  setTimeout(() => { $('#copy-link').textContent = 'Copy link'; }, 1500);
});
window.addEventListener('pagehide', () => { leaving = true; meeting?.leave?.(); });

// ---------------------------------------------------------------- chat
const onChat = (msg) => appendChat(msg);

async function setUpChat() {
  const m = meeting;
  try {
    const old = await m.pubSub.subscribe('CHAT', onChat);
    if (meeting !== m) return;
    const sorted = [...(old ?? [])].sort((a, b) => new Date(a.timestamp) - new Date(b.timestamp));
    for (const msg of sorted) appendChat(msg, true);
  } catch (err) {
    showError(`Chat unavailable: ${err?.message ?? err}`);
  }
}

function appendChat(msg, old = false) {
  if (msg.id && seenMessages.has(msg.id)) return;
  if (msg.id) seenMessages.add(msg.id);
  const log = $('#chat-log');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  const when = new Date(msg.timestamp ?? Date.now());
  const mine = msg.senderId && msg.senderId === meeting?.localParticipant?.id;
  const item = el('li', { className: mine ? 'mine' : '' },
    el('div', { className: 'meta' },
      el('span', { className: 'sender', textContent: msg.senderName ?? msg.senderId ?? 'unknown' }),
      el('time', { dateTime: when.toISOString(), textContent: when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })),
    el('div', { className: 'text', textContent: String(msg.message ?? '') }));
  if (msg.id) item.dataset.messageId = msg.id;
  if (old) item.classList.add('old');
  log.append(item);
  if (atBottom || mine) log.scrollTop = log.scrollHeight;
}

$('#chat-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#chat-input');
  const text = input.value.trim();
  if (!text || !meeting) return;
  input.value = '';
  try {
    await meeting.pubSub.publish('CHAT', text, { persist: true });
  } catch (err) {
    input.value = text;
    showError(`Message not sent: ${err?.message ?? err}`);
  }
});
