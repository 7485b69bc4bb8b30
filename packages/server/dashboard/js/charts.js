// SVG charts drawn by hand (no library needed for two kinds): the participants' join/leave bars
// over a session's span, and line charts of a figure per participant over time.
import { h, s } from './dom.js';

export const PALETTE = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
const W = 900;
const LEFT = 150;
const RIGHT = 16;

const clock = (t) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function timeAxis(t0, t1, y, height) {
  const out = [];
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    const x = LEFT + ((W - LEFT - RIGHT) * i) / 4;
    out.push(s('line', { x1: x, x2: x, y1: 0, y2: y, class: 'grid' }));
    out.push(s('text', { x, y: y + 16, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle', class: 'tick' }, clock(t)));
  }
  return out;
}

/** One row per participant: a bar per stay (open stays run to `now`). */
export function timeline(session, now = Date.now()) {
  const t0 = Date.parse(session.start);
  const t1 = Math.max(t0 + 1000, session.end ? Date.parse(session.end) : now);
  const row = 28;
  const height = session.participants.length * row + 8;
  const x = (t) => LEFT + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const rows = session.participants.map((p, i) => {
    const y = i * row + 6;
    return s('g', { 'data-participant': p.name },
      s('text', { x: LEFT - 10, y: y + 15, 'text-anchor': 'end', class: 'label' }, p.name.length > 18 ? `${p.name.slice(0, 17)}…` : p.name),
      p.timelog.map((t) => {
        const a = Date.parse(t.start);
        const b = t.end ? Date.parse(t.end) : t1;
        return s('rect', { x: x(a), y, width: Math.max(2, x(b) - x(a)), height: 20, rx: 4, fill: PALETTE[i % PALETTE.length], class: 'bar' },
          s('title', {}, `${p.name}: ${clock(a)} – ${t.end ? clock(b) : 'now'}`));
      }));
  });
  return s('svg', { viewBox: `0 0 ${W} ${height + 24}`, class: 'chart timeline', role: 'img', 'aria-label': 'participants timeline' },
    timeAxis(t0, t1, height, height), rows);
}

/** The smallest 4 × (1, 2, 2.5 or 5 × 10^k) at or above `v`: quarter ticks at round numbers. */
function niceTop(v) {
  const quarter = v / 4;
  const pow = 10 ** Math.floor(Math.log10(quarter));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * pow >= quarter) * pow;
  return step * 4;
}

/**
 * series: [{name, points: [{t, v}]}] (v null: a gap). yMax null: from the data (at least `minMax`).
 */
export function lineChart({ title, unit, series, t0, t1, yMin = 0, yMax = null, minMax = 1, height = 180 }) {
  const values = series.flatMap((x) => x.points.map((p) => p.v)).filter((v) => v !== null);
  const top = yMax ?? niceTop(Math.max(minMax, Math.max(0, ...values) * 1.1));
  const plotH = height - 10;
  const x = (t) => LEFT + ((t - t0) / Math.max(1, t1 - t0)) * (W - LEFT - RIGHT);
  const y = (v) => 5 + plotH - ((Math.min(Math.max(v, yMin), top) - yMin) / (top - yMin)) * plotH;
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + (top - yMin) * f);
  const axis = yTicks.map((v) => [
    s('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: 'grid' }),
    s('text', { x: LEFT - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`),
  ]);
  const lines = series.map((ser, i) => {
    const colour = PALETTE[i % PALETTE.length];
    // A gap (null) breaks the line.
    let d = '';
    let pen = false;
    for (const p of ser.points) {
      if (p.v === null) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = true;
    }
    const dots = ser.points.filter((p) => p.v !== null).map((p) => s('circle', { cx: x(p.t), cy: y(p.v), r: 2.5, fill: colour },
      s('title', {}, `${ser.name} ${clock(p.t)}: ${p.v}${unit}`)));
    return s('g', { 'data-series': ser.name }, s('path', { d, stroke: colour, fill: 'none', 'stroke-width': 2 }), dots);
  });
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title, h('span', { class: 'chart-legend' }, series.map((ser, i) => h('span', { class: 'key' }, h('i', { class: `c${i % PALETTE.length}` }), ser.name)))),
    s('svg', { viewBox: `0 0 ${W} ${height + 24}`, class: 'chart', role: 'img', 'aria-label': title }, axis, timeAxis(t0, t1, height, height), lines));
}
