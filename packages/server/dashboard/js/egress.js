// Egress: recordings (with a download link carrying the token), RTMP livestreams and HLS streams.
import { withToken } from './api.js';
import { badge, fmtBytes, fmtDuration, fmtTime, h, table } from './dom.js';

const PER_PAGE = 50;
const STATE = { recording: 'q-fair', ongoing: 'q-fair', completed: 'q-good', ended: 'muted-badge', failed: 'q-poor' };
const length = (x) => (x.end ? fmtDuration(Date.parse(x.end) - Date.parse(x.start)) : 'running');

function recordingRow(r) {
  return h('tr', { 'data-recording': r.id },
    h('td', {}, h('strong', {}, r.roomId), r.participantId ? h('div', { class: 'muted small' }, `${r.kind ?? ''} of ${r.participantId}`) : null),
    h('td', {}, fmtTime(r.start)),
    h('td', {}, length(r)),
    h('td', {}, badge(r.status, STATE[r.status] ?? '')),
    h('td', {}, r.file
      ? h('a', { href: withToken(r.file.fileUrl), download: '', class: 'file-link' }, `Download (${fmtBytes(r.file.size)}, ${fmtDuration(r.file.duration * 1000)})`)
      : h('span', { class: 'muted' }, r.status === 'failed' ? 'no file' : 'not ready')));
}

export async function renderEgress(node, api) {
  const [recordings, livestreams, hls] = await Promise.all([
    api(`/v2/recordings?perPage=${PER_PAGE}`),
    api(`/v2/livestreams?perPage=${PER_PAGE}`).catch(() => ({ data: [] })),
    api(`/v2/hls?perPage=${PER_PAGE}`).catch(() => ({ data: [] })),
  ]);
  const more = (p) => (p?.pageInfo && p.pageInfo.total > PER_PAGE ? h('p', { class: 'muted small' }, `Newest ${PER_PAGE} of ${p.pageInfo.total}.`) : null);
  node.append(
    h('div', { class: 'page-head' }, h('h2', {}, 'Egress'), h('span', { class: 'muted' }, 'Recordings, RTMP livestreams and HLS streams, newest first.')),
    h('section', { class: 'card', id: 'recordings' }, h('h3', {}, 'Recordings'),
      table(['Room', 'Started', 'Length', 'Status', 'File'], recordings.data.map(recordingRow), 'No recording yet.'), more(recordings)),
    h('section', { class: 'card', id: 'livestreams' }, h('h3', {}, 'RTMP livestreams'),
      table(['Room', 'Started', 'Length', 'Status', 'Destinations'], livestreams.data.map((l) => h('tr', {},
        h('td', {}, h('strong', {}, l.roomId)), h('td', {}, fmtTime(l.start)), h('td', {}, length(l)),
        h('td', {}, badge(l.status, STATE[l.status] ?? ''), l.error ? h('div', { class: 'error small' }, l.error) : null),
        // Stream keys are secrets: the URL only.
        h('td', { class: 'mono small' }, l.outputs.map((o) => h('div', {}, o.url))))), 'No livestream yet.'), more(livestreams)),
    h('section', { class: 'card', id: 'hls' }, h('h3', {}, 'HLS streams'),
      table(['Room', 'Started', 'Length', 'Status', 'Playlists'], hls.data.map((x) => h('tr', {},
        h('td', {}, h('strong', {}, x.roomId)), h('td', {}, fmtTime(x.start)), h('td', {}, length(x)),
        h('td', {}, badge(x.status, STATE[x.status] ?? ''), x.playable && x.status === 'ongoing' ? badge('playable', 'q-good') : null, x.error ? h('div', { class: 'error small' }, x.error) : null),
        h('td', { class: 'small' }, h('a', { href: x.playbackHlsUrl, target: '_blank', rel: 'noopener' }, 'playback'), ' · ',
          h('a', { href: x.livestreamUrl, target: '_blank', rel: 'noopener' }, 'live edge'),
          x.recordingUrl ? [' · ', h('a', { href: withToken(x.recordingUrl), download: '' }, 'MP4')] : null))), 'No HLS stream yet.'), more(hls)),
  );
}
