// The `wx` object of the logic layer. Async APIs go to the host over the bridge and support both
// success/fail/complete callbacks and a returned Promise; sync APIs answer from state primed at launch.
// Anything not implemented fails loudly through a Proxy, never silently.
import { callHost, notifyHost } from './bridge.js';
import { createCanvasContext, liveResults } from './contexts.js';
import { state } from './state.js';

const STORAGE_LIMIT = 10 * 1024 * 1024;

function hasCallbacks(o) {
  return o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
}

function strip(o) {
  const out = {};
  if (o && typeof o === 'object') {
    for (const k of Object.keys(o)) if (typeof o[k] !== 'function') out[k] = o[k];
  }
  return out;
}

function safeCall(fn, arg) {
  if (typeof fn !== 'function') return;
  try {
    fn(arg);
  } catch (err) {
    state.reportError(err);
  }
}

// Runs `run` (returning a Promise of a result object) the WeChat way.
function finish(opts, promise) {
  if (hasCallbacks(opts)) {
    promise.then(
      (res) => {
        safeCall(opts.success, res);
        safeCall(opts.complete, res);
      },
      (res) => {
        safeCall(opts.fail, res);
        safeCall(opts.complete, res);
      },
    );
    return undefined;
  }
  return promise;
}

function asyncApi(name, prepare) {
  return function (opts = {}) {
    const args = prepare ? prepare(opts) : strip(opts);
    return finish(opts, callHost(name, args));
  };
}

function localAsync(name, fn) {
  return function (opts = {}) {
    const p = new Promise((resolve, reject) => {
      try {
        resolve({ errMsg: name + ':ok', ...fn(opts) });
      } catch (err) {
        reject({ errMsg: name + ':fail ' + (err && err.message ? err.message : String(err)) });
      }
    });
    return finish(opts, p);
  };
}

function storageSize() {
  let n = 0;
  for (const [k, v] of Object.entries(state.storage)) n += k.length + JSON.stringify(v).length;
  return n;
}

function checkKey(name, key) {
  if (typeof key !== 'string' || key === '') throw new Error(`${name}:fail parameter error: parameter.key should be String instead of ${typeof key};`);
}

function sizeAfter(key, data) {
  const cur = Object.prototype.hasOwnProperty.call(state.storage, key) ? key.length + JSON.stringify(state.storage[key]).length : 0;
  return storageSize() - cur + key.length + JSON.stringify(data === undefined ? null : data).length;
}

const SUPPORTED = new Set();

function makeWx() {
  const api = {};
  const def = (name, fn) => {
    api[name] = fn;
    SUPPORTED.add(name);
  };

  // ---- storage (sync: local copy first, then the host; async: host first, then local copy)
  def('setStorageSync', (key, data) => {
    checkKey('setStorageSync', key);
    if (sizeAfter(key, data) > STORAGE_LIMIT) throw new Error('setStorageSync:fail exceed storage max size 10MB');
    state.storage[key] = data === undefined ? null : JSON.parse(JSON.stringify(data ?? null));
    notifyHost('setStorage', { key, data: state.storage[key] });
  });
  def('getStorageSync', (key) => {
    const v = state.storage[key];
    return v === undefined ? '' : JSON.parse(JSON.stringify(v));
  });
  def('removeStorageSync', (key) => {
    delete state.storage[key];
    notifyHost('removeStorage', { key });
  });
  def('clearStorageSync', () => {
    for (const k of Object.keys(state.storage)) delete state.storage[k];
    notifyHost('clearStorage', {});
  });
  def('getStorageInfoSync', () => ({
    keys: Object.keys(state.storage),
    currentSize: Math.ceil(storageSize() / 1024),
    limitSize: STORAGE_LIMIT / 1024,
  }));
  def('setStorage', (opts = {}) => {
    const p = (async () => {
      checkKeyAsync('setStorage', opts.key);
      const data = opts.data === undefined ? null : JSON.parse(JSON.stringify(opts.data));
      const res = await callHost('setStorage', { key: opts.key, data });
      state.storage[opts.key] = data;
      return res;
    })();
    return finish(opts, p);
  });
  def('getStorage', (opts = {}) => {
    const p = (async () => {
      checkKeyAsync('getStorage', opts.key);
      if (!Object.prototype.hasOwnProperty.call(state.storage, opts.key)) throw { errMsg: 'getStorage:fail data not found' };
      return { errMsg: 'getStorage:ok', data: JSON.parse(JSON.stringify(state.storage[opts.key])) };
    })();
    return finish(opts, p);
  });
  def('removeStorage', (opts = {}) => {
    const p = (async () => {
      const res = await callHost('removeStorage', { key: opts.key });
      delete state.storage[opts.key];
      return res;
    })();
    return finish(opts, p);
  });
  def('clearStorage', (opts = {}) => {
    const p = (async () => {
      const res = await callHost('clearStorage', {});
      for (const k of Object.keys(state.storage)) delete state.storage[k];
      return res;
    })();
    return finish(opts, p);
  });
  def('getStorageInfo', localAsync('getStorageInfo', () => api.getStorageInfoSync()));

  // ---- system
  def('getSystemInfoSync', () => ({ ...state.system }));
  def('getSystemInfo', localAsync('getSystemInfo', () => ({ ...state.system })));
  def('getSystemInfoAsync', localAsync('getSystemInfoAsync', () => ({ ...state.system })));
  def('getWindowInfo', () => {
    const s = state.system;
    return {
      pixelRatio: s.pixelRatio, screenWidth: s.screenWidth, screenHeight: s.screenHeight,
      windowWidth: s.windowWidth, windowHeight: s.windowHeight, statusBarHeight: s.statusBarHeight,
      safeArea: s.safeArea, screenTop: 0,
    };
  });
  def('getDeviceInfo', () => {
    const s = state.system;
    return { brand: s.brand, model: s.model, system: s.system, platform: s.platform, benchmarkLevel: 1 };
  });
  def('getAppBaseInfo', () => {
    const s = state.system;
    return { SDKVersion: s.SDKVersion, version: s.version, language: s.language, theme: s.theme, enableDebug: false, host: { appId: '' } };
  });
  def('getMenuButtonBoundingClientRect', () => ({ ...state.system.menuButton }));
  def('getLaunchOptionsSync', () => JSON.parse(JSON.stringify(state.launchOptions)));
  def('getEnterOptionsSync', () => JSON.parse(JSON.stringify(state.enterOptions || state.launchOptions)));
  def('getAccountInfoSync', () => ({
    miniProgram: { appId: state.appid, envVersion: state.envVersion, version: state.version || '' },
  }));
  // wx.getUpdateManager: asks the host once whether this user should now get another version (a new
  // release, a grey share reaching them, a rollback). The running version stays until applyUpdate().
  let updater = null;
  def('getUpdateManager', () => {
    if (updater) return updater;
    const waiting = { check: [], ready: [], failed: [] };
    let checked = null;
    updater = {
      onCheckForUpdate(cb) {
        if (checked) safeCall(cb, { hasUpdate: checked.hasUpdate });
        else waiting.check.push(cb);
      },
      onUpdateReady(cb) {
        if (checked && checked.hasUpdate) safeCall(cb);
        else waiting.ready.push(cb);
      },
      onUpdateFailed(cb) {
        waiting.failed.push(cb);
      },
      applyUpdate() {
        notifyHost('applyUpdate', {});
      },
    };
    callHost('checkUpdate', {}).then(
      (res) => {
        checked = { hasUpdate: !!(res && res.hasUpdate) };
        for (const cb of waiting.check.splice(0)) safeCall(cb, { hasUpdate: checked.hasUpdate });
        if (checked.hasUpdate) for (const cb of waiting.ready.splice(0)) safeCall(cb);
      },
      () => {
        checked = { hasUpdate: false };
        for (const cb of waiting.check.splice(0)) safeCall(cb, { hasUpdate: false });
      },
    );
    return updater;
  });
  def('canIUse', (schema) => {
    const name = String(schema || '').split('.')[0];
    return SUPPORTED.has(name);
  });
  def('nextTick', (fn) => {
    Promise.resolve().then(() => safeCall(fn));
  });
  def('arrayBufferToBase64', (buf) => {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  });
  def('base64ToArrayBuffer', (b64) => {
    const s = atob(b64);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes.buffer;
  });

  // ---- network: wx.request returns a RequestTask (as in WeChat, no Promise form)
  def('request', (opts = {}) => {
    let aborted = false;
    const args = strip(opts);
    if (args.data instanceof ArrayBuffer) args.data = { __base64: api.arrayBufferToBase64(args.data) };
    const p = callHost('request', args).then((res) => {
      if (aborted) throw { errMsg: 'request:fail abort' };
      if (res.encoding === 'base64') {
        res.data = api.base64ToArrayBuffer(res.data);
        delete res.encoding;
      }
      return res;
    });
    if (hasCallbacks(opts)) finish(opts, p);
    else p.catch(() => {});
    return {
      abort() { aborted = true; },
      onHeadersReceived() {}, offHeadersReceived() {},
      onChunkReceived() {}, offChunkReceived() {},
    };
  });

  // ---- host-drawn UI, navigation, login, misc
  for (const name of [
    'login', 'checkSession', 'showToast', 'hideToast', 'showLoading', 'hideLoading', 'showModal',
    'showActionSheet', 'navigateTo', 'redirectTo', 'navigateBack', 'switchTab', 'reLaunch',
    'setNavigationBarTitle', 'setNavigationBarColor', 'showNavigationBarLoading', 'hideNavigationBarLoading',
    'setBackgroundColor', 'setBackgroundTextStyle', 'startPullDownRefresh', 'stopPullDownRefresh', 'pageScrollTo',
    'setTabBarBadge', 'removeTabBarBadge', 'showTabBarRedDot', 'hideTabBarRedDot', 'showTabBar', 'hideTabBar',
    'setTabBarItem', 'setTabBarStyle', 'setClipboardData', 'getClipboardData', 'getNetworkType', 'vibrateShort',
    'vibrateLong', 'makePhoneCall', 'previewImage', 'exitMiniProgram', 'getUserProfile', 'getUserInfo', 'getSetting',
    'authorize', 'openSetting', 'showShareMenu', 'hideShareMenu', 'updateShareMenu', 'reportAnalytics',
  ]) {
    def(name, asyncApi(name));
  }
  // reportAnalytics is fire-and-forget in WeChat
  api.reportAnalytics = (event, data) => {
    notifyHost('reportAnalytics', { event, data });
  };
  def('onAppShow', (cb) => state.appShowListeners.add(cb));
  def('offAppShow', (cb) => state.appShowListeners.delete(cb));
  def('onAppHide', (cb) => state.appHideListeners.add(cb));
  def('offAppHide', (cb) => state.appHideListeners.delete(cb));
  def('onError', (cb) => state.errorListeners.add(cb));
  def('offError', (cb) => state.errorListeners.delete(cb));
  def('onNetworkStatusChange', () => {});
  def('offNetworkStatusChange', () => {});
  def('getRealtimeLogManager', () => ({ info() {}, warn() {}, error() {}, setFilterMsg() {}, addFilterMsg() {} }));
  def('getLogManager', () => ({ log() {}, info() {}, warn() {}, debug() {} }));
  def('createSelectorQuery', () => makeSelectorQuery());
  def('createCanvasContext', (id, component) => createCanvasContext(String(id), component));
  return api;
}

function checkKeyAsync(name, key) {
  if (typeof key !== 'string' || key === '') throw { errMsg: `${name}:fail parameter error: parameter.key should be String instead of ${typeof key};` };
}

// A SelectorQuery whose exec answers from the view (boundingClientRect, scrollOffset, fields).
function makeSelectorQuery(scope) {
  const queries = [];
  let pageId = null;
  const q = {
    in(component) {
      scope = component;
      return q;
    },
    select(sel) { return nodesRef(sel, false); },
    selectAll(sel) { return nodesRef(sel, true); },
    selectViewport() { return nodesRef('viewport', false); },
    exec(cb) {
      const inst = scope || state.currentPage();
      pageId = inst && inst.__mh ? inst.__mh.pageId : null;
      const owner = scope && scope.__mh ? scope.__mh.compId : 0;
      callHost('selectorQuery', { pageId, owner, queries: queries.map(({ cb: _, ...rest }) => rest) }).then(
        (res) => {
          res.results = liveResults(pageId, owner, res.results);
          queries.forEach((qq, i) => safeCall(qq.cb, res.results[i]));
          safeCall(cb, res.results);
        },
        () => safeCall(cb, queries.map(() => null)),
      );
    },
  };
  function nodesRef(sel, all) {
    const add = (fields, cb) => {
      queries.push({ sel, all, fields, cb });
      return q;
    };
    return {
      boundingClientRect: (cb) => add({ id: true, dataset: true, rect: true, size: true }, cb),
      scrollOffset: (cb) => add({ id: true, dataset: true, scrollOffset: true }, cb),
      fields: (f, cb) => add(f, cb),
      node: (cb) => add({ node: true }, cb),
      context: (cb) => add({ context: true }, cb),
    };
  }
  return q;
}

export { makeSelectorQuery };

export function createWx() {
  const api = makeWx();
  return new Proxy(api, {
    get(target, prop) {
      if (typeof prop !== 'string') return target[prop];
      if (prop in target) return target[prop];
      if (prop === 'then' || prop === 'toJSON') return undefined;
      return function unsupported(opts) {
        const res = { errMsg: `${prop}:fail not supported in Minihost yet` };
        console.warn(`wx.${prop} is not supported in Minihost yet`);
        if (opts && typeof opts === 'object' && hasCallbacks(opts)) {
          Promise.resolve().then(() => {
            safeCall(opts.fail, res);
            safeCall(opts.complete, res);
          });
          return undefined;
        }
        if (/Sync$/.test(prop)) throw new Error(res.errMsg);
        return Promise.reject(res);
      };
    },
    has(target, prop) {
      return prop in target;
    },
  });
}
