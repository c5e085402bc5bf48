// The logic layer's message loop: boots the package, then drives app/page/component lifecycles on the
// host's instructions. See ../../README.md for the protocol.
import { onApiResult, send } from './bridge.js';
import { lockdown } from './lockdown.js';
import { createModules } from './modules.js';
import {
  App, Behavior, Component, Page, componentLifetime, createComponentInstance, createPageInstance,
  doSetData, getApp, getCurrentPages, linkRelations, pageHook, setDataCallbacks, unlinkRelations,
  updateComponentProps, viewData,
} from './instances.js';
import { guard, state } from './state.js';
import { createWx } from './wx.js';

function handle(msg) {
  try {
    const fn = HANDLERS[msg && msg.t];
    if (fn) fn(msg);
    else console.warn('[minihost] unknown message to worker', msg && msg.t);
  } catch (err) {
    state.reportError(err);
  }
}

export function start(queue) {
  self.addEventListener('message', (e) => handle(e.data));
  self.addEventListener('error', (e) => {
    state.reportError(e.error || e.message);
    e.preventDefault();
  });
  self.addEventListener('unhandledrejection', (e) => {
    const app = state.app;
    if (app && typeof app.onUnhandledRejection === 'function') {
      guard(app.onUnhandledRejection, app, { reason: e.reason, promise: e.promise });
    } else {
      console.warn('[minihost] unhandled promise rejection', e.reason);
    }
  });
  for (const m of queue) handle(m);
  send({ t: 'loaded' });
}

function getPage(pageId) {
  const rec = state.pages.get(pageId);
  if (!rec) throw new Error('no page ' + pageId);
  return rec;
}

function ownerInstance(rec, owner) {
  if (!owner) return rec.inst;
  return rec.comps.get(owner);
}

const HANDLERS = {
  init(msg) {
    state.appid = msg.appid;
    state.envVersion = msg.envVersion || 'release';
    state.version = msg.version || '';
    state.manifest = msg.manifest;
    state.system = msg.system || {};
    state.storage = msg.storage || {};
    state.launchOptions = msg.launch;
    state.modules = createModules((e) => state.reportError(e));
    const wx = createWx();
    const g = self;
    g.__mhDefine = state.modules.define;
    g.wx = wx;
    g.App = App;
    g.Page = Page;
    g.Component = Component;
    g.Behavior = Behavior;
    g.getApp = getApp;
    g.getCurrentPages = getCurrentPages;
    g.__wxConfig = { pages: msg.manifest.app.pages, global: { window: msg.manifest.app.window || {} } };
    // The logic script only defines modules: nothing of the package runs during this import.
    self.importScripts(msg.logicUrl);
    lockdown();
    // A throwing app.js must not leave the user on the splash: report it and go on, as WeChat does.
    try {
      if (state.modules.has('app.js')) state.modules.requirePath('app.js');
    } catch (err) {
      state.reportError(err);
    }
    const app = state.app || (state.app = {});
    const opts = JSON.parse(JSON.stringify(msg.launch));
    guard(app.onLaunch, app, opts);
    guard(app.onShow, app, JSON.parse(JSON.stringify(msg.launch)));
    for (const cb of state.appShowListeners) guard(cb, null, JSON.parse(JSON.stringify(msg.launch)));
    send({ t: 'ready' });
  },
  'api:res': onApiResult,
  'app:show'(msg) {
    state.enterOptions = msg.options;
    const app = state.app;
    guard(app.onShow, app, JSON.parse(JSON.stringify(msg.options || {})));
    for (const cb of state.appShowListeners) guard(cb, null, msg.options);
  },
  'app:hide'() {
    const app = state.app;
    guard(app.onHide, app);
    for (const cb of state.appHideListeners) guard(cb, null);
  },
  'app:pageNotFound'(msg) {
    const app = state.app;
    const handled = typeof app.onPageNotFound === 'function';
    guard(app.onPageNotFound, app, { path: msg.path, query: msg.query || {}, isEntryPage: !!msg.isEntryPage });
    send({ t: 'pageNotFound:done', handled });
  },
  stack(msg) {
    state.stack = msg.pageIds.slice();
  },
  'page:create'(msg) {
    const rec = { pageId: msg.pageId, route: msg.route, inst: null, comps: new Map() };
    state.pages.set(msg.pageId, rec);
    if (!state.stack.includes(msg.pageId)) state.stack.push(msg.pageId);
    let inst;
    try {
      inst = createPageInstance(rec, msg.route, msg.query || {});
    } catch (err) {
      state.reportError(err);
      state.defs.set(msg.route, { kind: 'page', def: {} });
      inst = createPageInstance(rec, msg.route, msg.query || {});
    }
    rec.inst = inst;
    send({ t: 'page:init', pageId: msg.pageId, data: JSON.parse(JSON.stringify(inst.data)) });
    inst.__mh.inited = true;
    if (inst.__mh.def.kind === 'component') componentLifetime(inst, 'attached');
    pageHook(inst, 'onLoad', { ...(msg.query || {}) });
    pageHook(inst, 'onShow');
  },
  'page:ready'(msg) {
    const rec = getPage(msg.pageId);
    flushPending(rec.inst);
    if (rec.inst.__mh.def.kind === 'component') componentLifetime(rec.inst, 'ready');
    // For bench/cold_start.py (tap → onReady); a mark costs microseconds.
    performance.mark(`mh:onReady:${msg.pageId}`);
    pageHook(rec.inst, 'onReady');
  },
  'page:show'(msg) {
    const rec = getPage(msg.pageId);
    pageHook(rec.inst, 'onShow');
    for (const c of rec.comps.values()) for (const fn of c.__mh.def.pageLifetimes.show) guard(fn, c);
  },
  'page:hide'(msg) {
    const rec = getPage(msg.pageId);
    pageHook(rec.inst, 'onHide');
    for (const c of rec.comps.values()) for (const fn of c.__mh.def.pageLifetimes.hide) guard(fn, c);
  },
  'page:unload'(msg) {
    const rec = state.pages.get(msg.pageId);
    if (!rec) return;
    pageHook(rec.inst, 'onUnload');
    for (const c of rec.comps.values()) {
      componentLifetime(c, 'detached');
      c.__mh.dead = true;
    }
    if (rec.inst.__mh.def.kind === 'component') componentLifetime(rec.inst, 'detached');
    rec.inst.__mh.dead = true;
    state.pages.delete(msg.pageId);
    state.stack = state.stack.filter((id) => id !== msg.pageId);
  },
  // onPullDownRefresh, onReachBottom, onPageScroll, onTabItemTap, onResize, onShareAppMessage...
  'page:hook'(msg) {
    const rec = getPage(msg.pageId);
    const ret = pageHook(rec.inst, msg.name, ...(msg.args || []));
    if (msg.id) {
      Promise.resolve(ret).then(
        (v) => send({ t: 'hook:res', id: msg.id, value: v === undefined ? null : JSON.parse(JSON.stringify(v)) }),
        () => send({ t: 'hook:res', id: msg.id, value: null }),
      );
    }
  },
  rendered(msg) {
    for (const id of msg.cbs || []) {
      const cb = setDataCallbacks.get(id);
      if (!cb) continue;
      setDataCallbacks.delete(id);
      guard(cb.fn, cb.inst);
    }
  },
  event(msg) {
    const rec = getPage(msg.pageId);
    const inst = ownerInstance(rec, msg.owner);
    if (!inst) return;
    const name = msg.handler;
    const fn = inst[name];
    let ret;
    if (typeof fn !== 'function') {
      const what = msg.owner ? `Component "${inst.is}"` : `Page "${rec.route}"`;
      console.warn(`${what} does not have a method "${name}" to handle event "${msg.event.type}".`);
    } else {
      ret = guard(fn, inst, msg.event);
    }
    if (msg.seq) send({ t: 'event:ret', pageId: msg.pageId, seq: msg.seq, value: ret === undefined ? null : ret });
  },
  // model:value: the view writes the user's input back into the owner's data
  model(msg) {
    const rec = getPage(msg.pageId);
    const inst = ownerInstance(rec, msg.owner);
    if (inst) doSetData(inst, { [msg.path]: msg.value });
  },
  'comp:create'(msg) {
    const rec = getPage(msg.pageId);
    let inst;
    try {
      inst = createComponentInstance(rec, msg);
    } catch (err) {
      state.reportError(err);
      send({ t: 'comp:init', pageId: msg.pageId, compId: msg.compId, data: {}, props: [], failed: true });
      return;
    }
    rec.comps.set(msg.compId, inst);
    const def = inst.__mh.def;
    send({
      t: 'comp:init', pageId: msg.pageId, compId: msg.compId,
      data: viewData(inst),
      props: Object.keys(def.properties),
      externalClasses: def.externalClasses,
      options: {
        multipleSlots: !!def.options.multipleSlots, addGlobalClass: !!def.options.addGlobalClass,
        styleIsolation: def.options.styleIsolation || null, formField: def.formField,
      },
    });
    inst.__mh.inited = true;
    componentLifetime(inst, 'attached');
  },
  'comp:ready'(msg) {
    const rec = getPage(msg.pageId);
    for (const id of msg.compIds) {
      const inst = rec.comps.get(id);
      if (inst) linkRelations(rec, inst, (msg.ancestors && msg.ancestors[id]) || []);
    }
    for (const id of msg.compIds) {
      const inst = rec.comps.get(id);
      if (!inst) continue;
      flushPending(inst);
      componentLifetime(inst, 'ready');
    }
  },
  'comp:props'(msg) {
    const rec = getPage(msg.pageId);
    const inst = rec.comps.get(msg.compId);
    if (inst) updateComponentProps(inst, msg);
  },
  'comp:detach'(msg) {
    const rec = state.pages.get(msg.pageId);
    if (!rec) return;
    for (const id of msg.compIds) {
      const inst = rec.comps.get(id);
      if (!inst) continue;
      unlinkRelations(inst);
      componentLifetime(inst, 'detached');
      inst.__mh.dead = true;
      rec.comps.delete(id);
    }
  },
  eval() {
    // Deliberately absent: the host never sends code to the worker.
  },
};

function flushPending(inst) {
  const cbs = inst.__mh.pendingCbs.splice(0);
  for (const id of cbs) {
    const cb = setDataCallbacks.get(id);
    setDataCallbacks.delete(id);
    if (cb) guard(cb.fn, cb.inst);
  }
}

export { doSetData };
