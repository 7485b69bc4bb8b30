// DOM and formatting helpers: every text goes through textContent (no HTML from data, ever).

/** h('td', {class: 'x'}, 'text', childNode) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—');
export const fmtClock = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '—');

export function fmtDuration(ms) {
  if (!(ms >= 0)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function fmtBitrate(bps) {
  if (bps === null || bps === undefined) return '—';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} Mb/s`;
  return `${Math.round(bps / 1000)} kb/s`;
}

export function fmtBytes(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.round(n / 1000)} KB`;
}

/** good / fair / poor for a 1..5 score. */
export const scoreClass = (v) => (v === null || v === undefined ? 'na' : v >= 4 ? 'good' : v >= 3 ? 'fair' : 'poor');
/** good / fair / poor for a loss percentage. */
export const lossClass = (v) => (v === null || v === undefined ? 'na' : v < 1 ? 'good' : v < 3 ? 'fair' : 'poor');
export const rttClass = (v) => (v === null || v === undefined ? 'na' : v < 150 ? 'good' : v < 300 ? 'fair' : 'poor');

export const num = (v, digits = 1) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));

export function badge(text, cls) {
  return h('span', { class: `badge ${cls}` }, text);
}

/** A "page x of y" bar; `go(page)` loads another page. */
export function pager(pageInfo, go) {
  const { currentPage, lastPage, total } = pageInfo;
  return h('div', { class: 'pager' },
    h('button', { type: 'button', disabled: currentPage <= 1, onclick: () => go(currentPage - 1) }, '‹ Newer'),
    h('span', { class: 'muted' }, `Page ${currentPage} of ${lastPage} · ${total} in all`),
    h('button', { type: 'button', disabled: currentPage >= lastPage, onclick: () => go(currentPage + 1) }, 'Older ›'));
}

export function table(headers, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))), h('tbody', {}, rows)));
}
