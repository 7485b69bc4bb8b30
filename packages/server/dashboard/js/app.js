// The dashboard's shell: sign-in, the page tabs (#/live, #/sessions, #/sessions/<id>, #/egress,
// #/webhooks) and the one timer a page may run while shown.
import { api, login, session, SignedOut } from './api.js';
import { h } from './dom.js';
import { renderLive } from './live.js';
import { renderSessions, renderSession } from './sessions.js';
import { renderEgress } from './egress.js';
import { renderWebhooks } from './webhooks.js';

const $ = (id) => document.getElementById(id);
let timer = null;
let generation = 0;

function showLogin(message = '') {
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

function route() {
  const [page, id] = location.hash.replace(/^#\/?/, '').split('/');
  return { page: page || 'live', id: id ? decodeURIComponent(id) : undefined };
}

async function show() {
  clearInterval(timer);
  timer = null;
  const current = session.get();
  if (!current) return showLogin();
  $('login').hidden = true;
  $('app').hidden = false;
  $('expires').textContent = `signed in until ${new Date(current.expiresAt).toLocaleTimeString()}`;
  const { page, id } = route();
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.page === page);
  const view = $('view');
  const mine = ++generation;
  // Each render fills a fresh node; a slow answer for a page left meanwhile is dropped.
  const draw = async () => {
    const node = h('div');
    if (page === 'live') await renderLive(node, api);
    else if (page === 'sessions' && id) await renderSession(node, api, id);
    else if (page === 'sessions') await renderSessions(node, api, id);
    else if (page === 'egress') await renderEgress(node, api);
    else if (page === 'webhooks') await renderWebhooks(node, api);
    else node.append(h('p', { class: 'empty' }, 'No such page.'));
    if (mine === generation) view.replaceChildren(node);
  };
  try {
    await draw();
    if (page === 'live' && mine === generation) timer = setInterval(() => draw().catch(fail), 3000);
  } catch (err) {
    fail(err);
  }
}

function fail(err) {
  if (err instanceof SignedOut) {
    clearInterval(timer);
    timer = null;
    return showLogin('Your sign-in expired or was refused; sign in again.');
  }
  $('view').replaceChildren(h('p', { class: 'error' }, String(err.message ?? err)));
}

function setMode(mode) {
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.dataset.mode === mode);
  for (const f of document.querySelectorAll('[data-fields]')) f.hidden = f.dataset.fields !== mode;
  $('login-form').dataset.mode = mode;
}

async function init() {
  const config = await fetch('/dashboard/config').then((r) => r.json());
  const form = $('login-form');
  if (config.devMode) {
    $('dev-banner').hidden = false;
    form.apiKey.value = config.devCredentials?.apiKey ?? '';
    form.apiSecret.value = config.devCredentials?.apiSecret ?? '';
  }
  if (!config.passwordLogin) $('password-tab').hidden = true;
  setMode(config.passwordLogin && !config.devMode ? 'password' : 'key');
  for (const t of document.querySelectorAll('.tab')) t.addEventListener('click', () => setMode(t.dataset.mode));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    $('login-error').textContent = '';
    const credentials = form.dataset.mode === 'password' ? { password: form.password.value } : { apiKey: form.apiKey.value, apiSecret: form.apiSecret.value };
    try {
      await login(credentials);
      form.password.value = '';
      if (!config.devMode) form.apiSecret.value = '';
      await show();
    } catch (err) {
      $('login-error').textContent = err.message;
    }
  });
  $('logout').addEventListener('click', () => {
    clearInterval(timer);
    timer = null;
    session.clear();
    showLogin('Signed out.');
  });
  addEventListener('hashchange', show);
  await show();
}

init().catch((err) => showLogin(`The dashboard could not start: ${err.message}`));
