// Live: the rooms running now, each participant's newest quality sample, colour-coded.
import { badge, fmtBitrate, fmtClock, fmtDuration, h, lossClass, num, rttClass, scoreClass, table } from './dom.js';

const kinds = (byKind) => Object.values(byKind ?? {});
const worst = (byKind) => {
  const xs = kinds(byKind).map((f) => f.lossPct);
  return xs.length ? Math.max(...xs) : null;
};
const sum = (byKind) => {
  const xs = kinds(byKind).map((f) => f.bitrateBps);
  return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
};
const rtt = (q) => {
  const xs = [...kinds(q.send), ...kinds(q.recv)].map((f) => f.rttMs).filter((v) => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
};

function cell(value, cls, text) {
  return h('td', { class: `num q-${cls}`, 'data-value': value ?? '' }, text);
}

function participantRow(p) {
  const q = p.quality;
  const lossSend = q && worst(q.send);
  const lossRecv = q && worst(q.recv);
  const r = q && rtt(q);
  return h('tr', { 'data-participant': p.name },
    h('td', {}, h('strong', {}, p.name), h('div', { class: 'muted small mono' }, p.participantId)),
    h('td', {}, p.streams.length ? p.streams.map((k) => badge(k, 'kind')) : h('span', { class: 'muted' }, 'none')),
    h('td', { class: 'muted' }, fmtDuration(Date.now() - Date.parse(p.joinedAt))),
    q ? [
      cell(q.audioScore, scoreClass(q.audioScore), num(q.audioScore)),
      cell(q.videoScore, scoreClass(q.videoScore), num(q.videoScore)),
      cell(lossSend, lossClass(lossSend), lossSend === null ? '—' : `${num(lossSend)} %`),
      cell(lossRecv, lossClass(lossRecv), lossRecv === null ? '—' : `${num(lossRecv)} %`),
      cell(r, rttClass(r), r === null ? '—' : r < 1 ? '< 1 ms' : `${Math.round(r)} ms`),
      h('td', { class: 'num' }, fmtBitrate(sum(q.send))),
      h('td', { class: 'num' }, fmtBitrate(sum(q.recv))),
    ] : h('td', { colspan: 7, class: 'muted' }, 'waiting for the first quality sample…'));
}

export async function renderLive(node, api) {
  const { data, total } = await api('/v2/operator/live-rooms');
  const people = data.reduce((n, r) => n + r.participants.length, 0);
  node.append(
    h('div', { class: 'page-head' },
      h('h2', {}, 'Live rooms'),
      h('span', { class: 'muted' }, `${total} room${total === 1 ? '' : 's'} · ${people} participant${people === 1 ? '' : 's'} · updated ${fmtClock(new Date().toISOString())}`)),
    h('p', { class: 'legend muted small' }, 'Audio and video score (MOS-like, 1–5): ',
      badge('≥ 4 good', 'q-good'), badge('3–4 fair', 'q-fair'), badge('< 3 poor', 'q-poor'),
      ' Loss sent: lost on their uplink; recv: lost on the way to them. Newest sample, every 3 s.'),
  );
  if (data.length === 0) node.append(h('p', { class: 'empty' }, 'No room is running right now.'));
  for (const room of data) {
    node.append(h('article', { class: 'card room', 'data-room': room.roomId },
      h('div', { class: 'card-head' },
        h('h3', {}, room.roomId),
        h('a', { href: `#/sessions/${encodeURIComponent(room.sessionId)}`, class: 'small' }, `session ${room.sessionId}`)),
      table(['Participant', 'Publishing', 'In call', 'Audio', 'Video', 'Loss sent', 'Loss recv', 'RTT', 'Sending', 'Receiving'],
        room.participants.map(participantRow), 'Nobody in the room.')));
  }
}
