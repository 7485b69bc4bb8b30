// The operator token (sessionStorage, never a cookie) and calls to the server with it.
const KEY = 'roomkit.dashboard.token';

export const session = {
  get() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
      if (saved && Date.parse(saved.expiresAt) > Date.now()) return saved;
    } catch {}
    sessionStorage.removeItem(KEY);
    return null;
  },
  set(value) { sessionStorage.setItem(KEY, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(KEY); },
};

export class SignedOut extends Error {}

/** GET a JSON route with the token; a 401 signs out (expired or refused token). */
export async function api(path) {
  const current = session.get();
  if (!current) throw new SignedOut('signed out');
  const res = await fetch(path, { headers: { authorization: current.token } });
  const body = await res.json().catch(() => null);
  if (res.status === 401) {
    session.clear();
    throw new SignedOut(body?.error?.message ?? 'signed out');
  }
  if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} from ${path}`);
  return body;
}

export async function login(credentials) {
  const res = await fetch('/dashboard/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? `sign-in failed (${res.status})`);
  session.set(body);
  return body;
}

/** A download link that carries the token (plain <a href> cannot send a header). */
export function withToken(url) {
  const u = new URL(url, location.href);
  u.searchParams.set('token', session.get()?.token ?? '');
  // Same-origin path: fileUrl may name the address the server was reached at, not this page's.
  return u.origin === location.origin ? `${u.pathname}${u.search}` : u.href;
}
