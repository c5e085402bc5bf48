// The host super app's shell: opens mini programs, runs the bridge between each one's worker (logic)
// and page frames (view), and draws the phone chrome. See ../../README.md for the protocol.
import { MiniApp } from './miniapp.js';
import { h } from './ui.js';

function csrfToken() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.getAttribute('content') : '';
}

// fetchJson(url, {method, body}) -> parsed JSON; a non-2xx answer throws an Error with .status and .body
export async function defaultFetchJson(url, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  const text = await res.text();
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { raw: text };
  }
  if (!res.ok) {
    const err = new Error((data && data.error && data.error.message) || `HTTP ${res.status}`);
    err.status = res.status;
    err.body = data;
    throw err;
  }
  return data;
}

export function createHost(rootElement, options = {}) {
  const fetchJson = options.fetchJson || defaultFetchJson;
  rootElement.classList.add('mh-root');
  const phone = h('div', { class: 'mh-phone' });
  const home = h('div', { class: 'mh-home' });
  phone.append(home);
  rootElement.append(phone);
  const apps = new Map();
  const frames = new Map(); // frame window -> {app, page}

  const host = {
    phone,
    home,
    apps,
    fetchJson,
    options,
    registerFrame(win, app, page) {
      frames.set(win, { app, page });
    },
    unregisterFrame(win) {
      frames.delete(win);
    },
    // Opens (or brings back) a mini program. Resolves when its first page is shown.
    async open(appid, opts = {}) {
      let app = apps.get(appid);
      for (const other of apps.values()) if (other !== app && other.visible) other.hide();
      if (app) {
        await app.show(opts);
        return app;
      }
      app = new MiniApp(host, appid, opts);
      apps.set(appid, app);
      try {
        await app.start();
      } catch (err) {
        console.error('[minihost] could not open', appid, err);
        app.fail(err);
      }
      return app;
    },
    // The capsule's close: hides the mini program (onHide); it keeps running in the background.
    close(appid) {
      const app = apps.get(appid);
      if (app) app.hide();
    },
    // Ends a mini program for good (its worker and frames are destroyed).
    terminate(appid) {
      const app = apps.get(appid);
      if (!app) return;
      app.destroy();
      apps.delete(appid);
    },
    list() {
      return [...apps.values()].map((a) => ({
        appid: a.appid, name: a.name, visible: a.visible, state: a.state,
        stack: a.stack.map((p) => p.route),
      }));
    },
    get(appid) {
      return apps.get(appid);
    },
  };

  // Messages from page frames. Only a frame we created may speak, and only for its own app and page.
  window.addEventListener('message', (e) => {
    const owner = frames.get(e.source);
    if (!owner) return;
    const msg = e.data;
    if (!msg || typeof msg !== 'object' || typeof msg.t !== 'string') return;
    if (e.origin !== 'null' || msg.appid !== owner.app.appid || msg.pageId !== owner.page.pageId) {
      console.warn('[minihost] dropped a message from a frame that claims to be someone else', msg.appid, msg.pageId);
      return;
    }
    owner.app.fromFrame(owner.page, msg);
  });

  return host;
}
