// Webhooks: the outbox's deliveries, newest first, with state, attempts, next retry and last error.
import { badge, fmtTime, h, pager, table } from './dom.js';

const PER_PAGE = 50;
const STATE_CLASS = { delivered: 'q-good', pending: 'muted-badge', retrying: 'q-fair', abandoned: 'q-poor' };
let state = '';
let page = 1;

export async function renderWebhooks(node, api) {
  const query = new URLSearchParams({ page: String(page), perPage: String(PER_PAGE), ...(state && { state }) });
  const { pageInfo, data } = await api(`/v2/operator/webhook-deliveries?${query}`);
  const rerender = () => dispatchEvent(new HashChangeEvent('hashchange'));
  const filter = h('select', { 'aria-label': 'state', onchange: (e) => { state = e.target.value; page = 1; rerender(); } },
    ['', 'pending', 'retrying', 'delivered', 'abandoned'].map((x) => h('option', { value: x, selected: x === state }, x || 'all states')));
  node.append(
    h('div', { class: 'page-head' }, h('h2', {}, 'Webhook deliveries'), filter,
      h('span', { class: 'muted' }, 'Retried with backoff until delivered or abandoned.')),
    table(['Created', 'Event', 'Room', 'Endpoint', 'State', 'Attempts', 'Next retry', 'Last error'], data.map((d) => h('tr', { 'data-delivery': d.id, 'data-state': d.state },
      h('td', {}, fmtTime(d.createdAt)),
      h('td', {}, h('strong', {}, d.event)),
      h('td', {}, d.roomId),
      h('td', { class: 'mono small url' }, d.url),
      h('td', {}, badge(d.state, STATE_CLASS[d.state])),
      h('td', { class: 'num' }, d.attempts),
      h('td', {}, d.state === 'retrying' ? fmtTime(d.nextAttemptAt) : d.state === 'pending' ? h('span', { class: 'muted' }, 'queued') : '—'),
      h('td', { class: 'error small' }, d.lastError ?? ''))), 'No webhook delivery yet (rooms without a webhook and no webhookUrl send none).'),
    pager(pageInfo, (p) => { page = p; rerender(); }));
}
