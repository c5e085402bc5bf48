// A page's view layer, inside a sandboxed iframe (opaque origin). It only talks to the host page
// (window.parent), never to the worker directly; see ../README.md for the protocol.
import { parsePath, setPath } from '../logic/data.js';
import { eventReturn, installPointer, triggerFromComponent } from './events.js';
import { callable } from './expr.js';
import { BUILTINS } from './builtins.js';
import { componentInit, page, rerender } from './patch.js';

const params = new URLSearchParams(location.hash.slice(1));
const APPID = params.get('appid') || '';
const PAGE_ID = Number(params.get('pageId') || 0);
// The host page is served by the same server as this frame's document.
const HOST_ORIGIN = new URL(location.href).origin;

function send(msg, transfer) {
  msg.appid = APPID;
  msg.pageId = PAGE_ID;
  parent.postMessage(msg, HOST_ORIGIN, transfer || []);
}
page.send = send;

let pageCtx = null;
let config = {};
const dirty = new Set();
let pendingCbs = [];
let scheduled = false;

function dirname(p) {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function normalize(p) {
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

function assetUrl(src, owner) {
  if (/^(data:|blob:)/i.test(src)) return src;
  if (/^(https?:)?\/\//i.test(src)) {
    // Remote images go through the host (the frame may not connect anywhere itself).
    return remoteImage(src);
  }
  const q = src.split(/[?#]/)[0];
  const dir = owner && owner.dir ? dirname(owner.dir) : '';
  const path = q.startsWith('/') ? normalize(q) : normalize(dir + '/' + q);
  const hash = page.manifest.assets && page.manifest.assets[path];
  return hash ? page.filesBase + hash : page.filesBase + 'missing/' + encodeURIComponent(path);
}

const remote = new Map(); // url -> blob url (or '' while loading)
const remoteWaiting = new Map();
let remoteSeq = 1;
function remoteImage(url) {
  if (remote.has(url)) return remote.get(url) || 'data:,';
  remote.set(url, '');
  const id = remoteSeq++;
  remoteWaiting.set(id, url);
  send({ t: 'image:fetch', id, url });
  return 'data:,';
}

function markDirty(ctx) {
  dirty.add(ctx);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(flush);
  }
}

function flush() {
  scheduled = false;
  const list = [...dirty].sort((a, b) => a.id - b.id);
  dirty.clear();
  for (const ctx of list) {
    if (ctx.dead || (ctx.kind === 'comp' && !ctx.ready)) continue;
    rerender(ctx);
  }
  afterRender();
}

function afterRender() {
  if (pendingCbs.length) {
    send({ t: 'rendered', cbs: pendingCbs });
    pendingCbs = [];
  }
  if (page.readyQueue.length) {
    const ids = page.readyQueue.splice(0);
    requestAnimationFrame(() => send({ t: 'comp:ready', compIds: ids, ancestors: ancestorsOf(ids) }));
  }
  checkReachBottom();
}

// For `relations`: each component's enclosing components in the composed tree, nearest first.
function ancestorsOf(ids) {
  const out = {};
  for (const id of ids) {
    const ctx = page.comps.get(id);
    if (!ctx || !ctx.hostEl) continue;
    const list = [];
    for (let n = ctx.hostEl.parentNode; n; n = n.parentNode) if (n.__mhComp && !n.__mhComp.dead && n.__mhComp.hostEl === n) list.push(n.__mhComp.id);
    out[id] = list;
  }
  return out;
}

function applyCss(texts) {
  const sheets = [];
  for (const t of texts) {
    const s = new CSSStyleSheet();
    try {
      s.replaceSync(t);
    } catch (err) {
      console.warn('[minihost] bad CSS', err);
    }
    sheets.push(s);
  }
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
}

// WXS modules: the host hands the WXS script's text over; it runs as a blob: script of this frame.
const wxsFactories = new Map();
const wxsCache = new Map();
function loadWxs(text) {
  return new Promise((resolve) => {
    self.__mhWxsDefine = (key, factory) => wxsFactories.set(key, factory);
    const url = URL.createObjectURL(new Blob([text], { type: 'text/javascript' }));
    const s = document.createElement('script');
    s.src = url;
    s.onload = s.onerror = () => resolve();
    document.head.appendChild(s);
  });
}
function wxsRequire(key) {
  if (wxsCache.has(key)) return wxsCache.get(key).exports;
  const f = wxsFactories.get(key);
  if (!f) return undefined;
  const module = { exports: {} };
  wxsCache.set(key, module);
  const req = (p) => wxsRequire(normalize(dirname(key) + '/' + p));
  f(req, module, module.exports, (...a) => (a.length ? new Date(...a) : new Date()), (s, f2) => new RegExp(s, f2));
  markCallable(module.exports, 0);
  return module.exports;
}
function markCallable(o, depth) {
  if (depth > 3 || !o) return;
  if (typeof o === 'function') callable.add(o);
  if (typeof o === 'object' || typeof o === 'function') for (const k of Object.keys(o)) markCallable(o[k], depth + 1);
}
page.wxsModulesFor = (tpl) => {
  const out = {};
  for (const [name, key] of Object.entries((tpl && tpl.wxs) || {})) {
    try {
      out[name] = wxsRequire(key);
    } catch (err) {
      console.error('[minihost] WXS module failed', key, err);
    }
  }
  return out;
};

const HANDLERS = {
  async boot(msg) {
    page.manifest = msg.manifest;
    page.templates = msg.templates;
    page.filesBase = msg.filesBase;
    page.assetUrl = assetUrl;
    config = msg.config || {};
    applyCss(msg.css || []);
    if (msg.wxs) await loadWxs(msg.wxs);
    if (config.backgroundColor) document.documentElement.style.backgroundColor = config.backgroundColor;
    const pdef = msg.manifest.pages[msg.route];
    const root = document.createElement('wx-page');
    document.body.appendChild(root);
    pageCtx = {
      id: 0, kind: 'page', tpl: page.templates[pdef.template] || { root: [] }, prefix: '',
      using: pdef.usingComponents || {}, data: {}, vroots: [], rootEl: root, dir: msg.route, ready: false,
    };
    pageCtx.wxsModules = page.wxsModulesFor(pageCtx.tpl);
    installPointer();
    installScroll();
    if (config.enablePullDownRefresh) installPullDown();
  },
  'page:init'(msg) {
    pageCtx.data = msg.data || {};
    pageCtx.ready = true;
    rerender(pageCtx);
    afterRender();
    requestAnimationFrame(() => send({ t: 'page:ready' }));
  },
  setData(msg) {
    const ctx = msg.owner ? page.comps.get(msg.owner) : pageCtx;
    if (ctx) {
      const model = ctx.kind === 'comp' && ctx.hostVnode ? ctx.hostVnode.model : null;
      for (const [path, value] of msg.patches) {
        const segs = parsePath(path);
        if (segs.length) setPath(ctx.data, segs, value);
        // <comp model:value="{{x}}">: the component changed its own property, the user's data follows
        if (model && segs.length === 1 && typeof segs[0] === 'string') {
          const bound = model[segs[0]] || model[segs[0].replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())];
          if (bound) send({ t: 'model', owner: ctx.hostVnode.owner.id, path: bound, value: value === undefined ? null : value });
        }
      }
      markDirty(ctx);
    }
    if (msg.cb) pendingCbs.push(msg.cb);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  },
  'comp:init'(msg) {
    componentInit(msg);
    afterRender();
  },
  'comp:trigger'(msg) {
    triggerFromComponent(page.comps.get(msg.compId), msg.name, msg.detail, msg.options || {});
  },
  'event:ret': eventReturn,
  pageScrollTo(msg) {
    let top = msg.scrollTop || 0;
    if (msg.selector) {
      const el = document.querySelector(msg.selector);
      if (el) top = el.getBoundingClientRect().top + window.scrollY;
    }
    window.scrollTo({ top, behavior: msg.duration === 0 ? 'auto' : 'smooth' });
  },
  'pullDown:start'() {
    pull.show(true);
    send({ t: 'page:pullDown' });
  },
  'pullDown:stop'() {
    pull.show(false);
  },
  selectorQuery(msg) {
    const results = msg.queries.map((q) => runQuery(q, msg.owner));
    send({ t: 'selectorQuery:res', id: msg.id, results });
  },
  'canvas:frame'(msg) {
    BUILTINS.canvas.frame(msg.key, msg.bitmap);
  },
  // A method of an element's context (EditorContext, legacy CanvasContext.draw) called from the worker.
  viewCall(msg) {
    let ok = true;
    let res;
    try {
      let el = msg.key ? contextEls.get(msg.key) : null;
      if (!el && msg.canvasId !== undefined) el = findCanvas(String(msg.canvasId), msg.owner);
      if (!el) throw new Error('no such element');
      if (msg.method === 'draw') res = BUILTINS.canvas.draw(el, msg.args[0], msg.args[1]) || {};
      else if (el.__mhCommand) res = el.__mhCommand(msg.method, msg.args[0]);
      else throw new Error(`${msg.method} is not supported`);
    } catch (err) {
      ok = false;
      res = { errMsg: String(err && err.message ? err.message : err) };
    }
    send({ t: 'viewCall:res', id: msg.id, ok, res: res === undefined ? {} : res });
  },
  'image:data'(msg) {
    const url = remoteWaiting.get(msg.id);
    remoteWaiting.delete(msg.id);
    if (!url) return;
    let blobUrl = 'data:,';
    if (msg.ok) {
      const bytes = Uint8Array.from(atob(msg.base64), (c) => c.charCodeAt(0));
      blobUrl = URL.createObjectURL(new Blob([bytes], { type: msg.contentType || 'image/*' }));
    }
    remote.set(url, blobUrl);
    for (const el of document.querySelectorAll('wx-image')) {
      if (el.__mhv && String(el.__mhv.attrs.src) === url && el.__img) el.__img.img.src = blobUrl;
    }
  },
};

function scopeSelector(sel, owner) {
  const ctx = owner ? page.comps.get(owner) : null;
  if (!ctx || !ctx.prefix) return sel;
  return sel.replace(/\.([A-Za-z_-][\w-]*)/g, `.${ctx.prefix}--$1`);
}

const contextEls = new Map();
let contextKeys = 1;
function findCanvas(canvasId, owner) {
  const ctx = owner ? page.comps.get(owner) : null;
  const scope = ctx ? ctx.hostEl : document;
  for (const el of scope.querySelectorAll('wx-canvas')) if (el.__mhv && String(el.__mhv.attrs['canvas-id']) === canvasId) return el;
  return null;
}

function runQuery(q, owner) {
  const info = (el) => {
    const out = {};
    if (q.fields.node) out.node = el.tagName === 'WX-CANVAS' && el.__cv ? BUILTINS.canvas.node(el) : null;
    if (q.fields.context) {
      if (!el.__mhCtxKey) {
        el.__mhCtxKey = contextKeys++;
        contextEls.set(el.__mhCtxKey, el);
      }
      const kind = el.tagName === 'WX-EDITOR' ? 'editor' : el.tagName === 'WX-CANVAS' ? 'canvas' : 'node';
      out.context = { __mhContext: kind, key: el.__mhCtxKey, canvasId: el.__mhv ? el.__mhv.attrs['canvas-id'] ?? '' : '' };
    }
    const v = el.__mhv;
    if (q.fields.id) out.id = el.id || '';
    if (q.fields.dataset) out.dataset = v ? datasetOf(v.attrs) : {};
    if (q.fields.rect || q.fields.size) {
      const r = el === document.documentElement ? { left: 0, top: 0, right: innerWidth, bottom: innerHeight, width: innerWidth, height: innerHeight } : el.getBoundingClientRect();
      if (q.fields.rect) Object.assign(out, { left: r.left, right: r.right, top: r.top, bottom: r.bottom });
      if (q.fields.size) Object.assign(out, { width: r.width, height: r.height });
    }
    if (q.fields.scrollOffset) {
      const s = el === document.documentElement ? document.scrollingElement : el;
      Object.assign(out, { scrollLeft: s.scrollLeft, scrollTop: s.scrollTop, scrollWidth: s.scrollWidth, scrollHeight: s.scrollHeight });
    }
    if (q.fields.computedStyle) {
      const cs = getComputedStyle(el);
      for (const p of q.fields.computedStyle) out[p] = cs.getPropertyValue(p);
    }
    return out;
  };
  if (q.sel === 'viewport') return info(document.documentElement);
  let scope = document;
  if (owner) {
    const ctx = page.comps.get(owner);
    if (ctx) scope = ctx.hostEl;
  }
  let list;
  try {
    list = [...scope.querySelectorAll(scopeSelector(q.sel, owner))];
  } catch {
    list = [];
  }
  return q.all ? list.map(info) : list[0] ? info(list[0]) : null;
}

function datasetOf(attrs) {
  const out = {};
  for (const [k, v] of Object.entries(attrs || {})) if (k.startsWith('data-')) out[k.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = v;
  return out;
}

// ------------------------------------------------------------------ page scroll, reach bottom
let bottomFired = false;
function checkReachBottom() {
  const distance = config.onReachBottomDistance ?? 50;
  const se = document.scrollingElement;
  const atBottom = se.scrollHeight > innerHeight && se.scrollTop + innerHeight >= se.scrollHeight - distance;
  if (atBottom && !bottomFired) {
    bottomFired = true;
    send({ t: 'page:reachBottom' });
  } else if (!atBottom) bottomFired = false;
}
function installScroll() {
  let ticking = false;
  window.addEventListener('scroll', () => {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(() => {
      ticking = false;
      send({ t: 'page:scroll', scrollTop: document.scrollingElement.scrollTop });
      checkReachBottom();
    });
  }, { passive: true });
}

// ------------------------------------------------------------------ pull-down refresh
const pull = {
  el: null,
  show(on) {
    if (!pull.el) return;
    pull.el.classList.toggle('wx-refreshing', on);
    document.body.style.transform = on ? 'translateY(50px)' : '';
  },
};
function installPullDown() {
  const ind = document.createElement('div');
  ind.className = 'wx-pull-indicator';
  ind.append(document.createElement('i'), document.createElement('i'), document.createElement('i'));
  document.documentElement.appendChild(ind);
  pull.el = ind;
  let start = null;
  document.addEventListener('pointerdown', (e) => {
    if (document.scrollingElement.scrollTop <= 0) start = e.clientY;
  });
  document.addEventListener('pointermove', (e) => {
    if (start === null) return;
    const dy = Math.max(0, Math.min(80, e.clientY - start));
    document.body.style.transition = 'none';
    document.body.style.transform = dy ? `translateY(${dy}px)` : '';
  });
  document.addEventListener('pointerup', (e) => {
    if (start === null) return;
    const dy = e.clientY - start;
    start = null;
    document.body.style.transition = '';
    if (dy > 60) {
      pull.show(true);
      send({ t: 'page:pullDown' });
    } else document.body.style.transform = '';
  });
}

window.addEventListener('message', (e) => {
  if (e.source !== parent || !e.data || typeof e.data !== 'object') return;
  const fn = HANDLERS[e.data.t];
  if (!fn) return;
  const data = e.data;
  // in order, even while an async handler (boot) is still running
  chain = chain.then(() => fn(data)).catch((err) => console.error('[minihost] view error', err));
});
let chain = Promise.resolve();

send({ t: 'hello' });
