// Shared mutable state of one logic layer (one worker = one mini program).
import { send } from './bridge.js';

export const state = {
  appid: '',
  envVersion: 'release',
  version: '',
  manifest: null,
  system: {},
  storage: {},
  launchOptions: { path: '', query: {}, scene: 1001, referrerInfo: {} },
  enterOptions: null,
  modules: null,
  app: null,
  appDef: null,
  defs: new Map(), // package path (no extension) -> {kind: 'page'|'component', def}
  defining: null, // package path whose module is being required
  pages: new Map(), // pageId -> page record {pageId, route, inst, comps: Map}
  stack: [], // pageIds, bottom first, as getCurrentPages() answers
  appShowListeners: new Set(),
  appHideListeners: new Set(),
  errorListeners: new Set(),
  currentPage() {
    const id = this.stack[this.stack.length - 1];
    const rec = this.pages.get(id);
    return rec ? rec.inst : undefined;
  },
  reportError(err) {
    const message = err && err.stack ? String(err.stack) : err && err.message ? err.message : String(err);
    console.error('[minihost] mini program error:', message);
    send({ t: 'error', message });
    const app = state.app;
    if (app && typeof app.onError === 'function' && !state.inOnError) {
      state.inOnError = true;
      try {
        app.onError(message);
      } catch (e) {
        console.error(e);
      } finally {
        state.inOnError = false;
      }
    }
    for (const cb of state.errorListeners) {
      try {
        cb(message);
      } catch (e) {
        console.error(e);
      }
    }
  },
};

// Calls user code; an exception goes to onError instead of killing the runtime.
export function guard(fn, self, ...args) {
  if (typeof fn !== 'function') return undefined;
  try {
    return fn.apply(self, args);
  } catch (err) {
    state.reportError(err);
    return undefined;
  }
}
