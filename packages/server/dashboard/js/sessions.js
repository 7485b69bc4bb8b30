// Sessions: the history (paged, newest first) and one session's view: each participant's
// timeline and their quality over time (score and loss, from the stored samples).
import { badge, fmtDuration, fmtTime, h, pager, table } from './dom.js';
import { lineChart, timeline } from './charts.js';
import { SignedOut } from './api.js';

const PER_PAGE = 20;
/** Participants whose samples a session view loads (the timeline shows everyone). */
const MAX_CHARTED = 12;
let listPage = 1;
let roomFilter = '';

const span = (x) => fmtDuration((x.end ? Date.parse(x.end) : Date.now()) - Date.parse(x.start));

function filterForm() {
  const input = h('input', { name: 'room', placeholder: 'room id', value: roomFilter, 'aria-label': 'room', spellcheck: 'false' });
  return h('form', { class: 'filter', onsubmit: (e) => {
    e.preventDefault();
    roomFilter = input.value.trim();
    listPage = 1;
    dispatchEvent(new HashChangeEvent('hashchange'));
  } }, input, h('button', { type: 'submit' }, 'Filter'));
}

export async function renderSessions(node, api) {
  const query = new URLSearchParams({ page: String(listPage), perPage: String(PER_PAGE), ...(roomFilter && { roomId: roomFilter }) });
  const head = h('div', { class: 'page-head' }, h('h2', {}, 'Sessions'), filterForm(), h('span', { class: 'muted' }, 'Every call, newest first. Open one for its timeline and quality.'));
  let answer;
  try {
    answer = await api(`/v2/sessions?${query}`);
  } catch (err) {
    if (!roomFilter || err instanceof SignedOut) throw err;
    node.append(head, h('p', { class: 'error', role: 'alert' }, err.message));
    return;
  }
  const { pageInfo, data } = answer;
  const go = (page) => { listPage = page; dispatchEvent(new HashChangeEvent('hashchange')); };
  node.append(
    head,
    table(['Room', 'Session', 'Started', 'Length', 'People', 'Status'], data.map((x) => h('tr', { 'data-session': x.id },
      h('td', {}, h('strong', {}, x.roomId)),
      h('td', { class: 'mono small' }, h('a', { href: `#/sessions/${encodeURIComponent(x.id)}` }, x.id)),
      h('td', {}, fmtTime(x.start)),
      h('td', {}, span(x)),
      h('td', { class: 'num' }, x.participants.length),
      h('td', {}, badge(x.status, x.status === 'ongoing' ? 'q-good' : 'muted-badge')))), 'No session yet.'),
    pager(pageInfo, go));
}

/** Every page of a participant's samples, up to 5000 (a 7-hour call at 5 s). */
async function samples(api, sessionId, participantId) {
  const res = await api(`/v2/sessions/${encodeURIComponent(sessionId)}/participant/${encodeURIComponent(participantId)}/stats?perPage=5000`);
  return res.stats;
}

const worstLoss = (e) => {
  const xs = [e.sendAudioPacketLost, e.sendVideoPacketLost].filter((v) => v !== null);
  return xs.length ? Math.max(...xs) : null;
};

export async function renderSession(node, api, id) {
  const session = await api(`/v2/sessions/${encodeURIComponent(id)}`);
  const charted = session.participants.slice(0, MAX_CHARTED);
  const stats = await Promise.all(charted.map((p) => samples(api, session.id, p.participantId).catch(() => [])));
  const t0 = Date.parse(session.start);
  const t1 = Math.max(t0 + 1000, session.end ? Date.parse(session.end) : Date.now());
  const series = (pick) => charted.map((p, i) => ({ name: p.name, points: stats[i].map((e) => ({ t: Date.parse(e.time), v: pick(e) })) }));
  const anySamples = stats.some((x) => x.length > 0);
  node.append(
    h('p', {}, h('a', { href: '#/sessions' }, '‹ All sessions')),
    h('div', { class: 'page-head' },
      h('h2', {}, `Room ${session.roomId}`),
      badge(session.status, session.status === 'ongoing' ? 'q-good' : 'muted-badge'),
      h('span', { class: 'muted' }, `${fmtTime(session.start)} · ${span(session)} · ${session.participants.length} participant${session.participants.length === 1 ? '' : 's'}`)),
    h('p', { class: 'muted small mono' }, `session ${session.id}`),
    h('section', { class: 'card' }, h('h3', {}, 'Who was there'), session.participants.length ? timeline(session) : h('p', { class: 'empty' }, 'Nobody joined.')),
    h('section', { class: 'card', id: 'quality' },
      h('h3', {}, 'Call quality'),
      anySamples ? [
        lineChart({ title: 'Video score (1–5)', unit: '', series: series((e) => e.qualityScore.video), t0, t1, yMin: 1, yMax: 5 }),
        lineChart({ title: 'Audio score (1–5)', unit: '', series: series((e) => e.qualityScore.audio), t0, t1, yMin: 1, yMax: 5 }),
        lineChart({ title: 'Packet loss of what they sent (worst of audio and video)', unit: ' %', series: series(worstLoss), t0, t1, minMax: 2 }),
        lineChart({ title: 'Round-trip time', unit: ' ms', series: series((e) => e.averageAudioRtt ?? e.averageVideoRtt), t0, t1, minMax: 20 }),
      ] : h('p', { class: 'empty' }, 'No quality samples for this session (too short, or sampling is off).'),
      session.participants.length > MAX_CHARTED ? h('p', { class: 'muted small' }, `Charts show the first ${MAX_CHARTED} participants.`) : null),
  );
}
