// One open mini program: its worker, its page frames, its navigation stack and chrome.
import { handleApi } from './api.js';
import { actionSheet, h, navbar, splash, tabBar } from './ui.js';
import { resolveUrl } from './url.js';

const WORKER_URL = '/runtime/logic/worker.js';
const FRAME_URL = '/runtime/view/frame.html';
const STACK_LIMIT = 10;
let nextPageId = 1;

export class MiniApp {
  constructor(host, appid, opts) {
    this.host = host;
    this.appid = appid;
    this.opts = opts;
    this.name = '';
    this.state = 'loading';
    this.visible = true;
    this.stack = [];
    this.tabPages = new Map(); // route -> page kept alive by switchTab
    this.files = new Map();
    this.pendingHooks = new Map();
    this.pendingQueries = new Map();
    this.nextReq = 1;
    this.toastEl = null;
    this.el = h('div', { class: 'mh-app', 'data-appid': appid });
    this.pagesEl = h('div', { class: 'mh-pages' });
    this.overlay = h('div', { class: 'mh-overlay' });
    this.nav = navbar({
      onBack: () => this.navigateBack(1),
      onMore: () => this.moreMenu(),
      onClose: () => this.host.close(this.appid),
    });
    this.splashEl = splash('', '');
    this.el.append(this.nav.bar, this.pagesEl, this.nav.capsule, this.overlay, this.splashEl);
    host.phone.append(this.el);
  }

  get fetchJson() {
    return this.host.fetchJson;
  }

  api(path) {
    return `/host/api/apps/${encodeURIComponent(this.appid)}${path}`;
  }

  async start() {
    // Start path without serial round trips: the worker loads its runtime modules while the launch data
    // is fetched; the logic script is fetched as soon as the manifest names it, alongside the storage;
    // the first page's frame loads while the app launches in the worker.
    this.spawnWorker();
    try {
      await this.launchApp();
    } catch (err) {
      this.worker.terminate();
      throw err;
    }
  }

  spawnWorker() {
    this.worker = new Worker(WORKER_URL);
    this.worker.addEventListener('message', (e) => this.fromWorker(e.data));
    this.worker.addEventListener('error', (e) => console.error('[minihost] worker error', this.appid, e.message));
    this.readyPromise = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFatal = reject;
    });
    this.readyPromise.catch(() => {}); // awaited later; a fatal before that is not "unhandled"
  }

  async launchApp() {
    const q = new URLSearchParams({ version: this.opts.version || 'release' });
    const launch = (this.launch = await this.fetchJson(this.api(`/launch?${q}`)));
    this.name = launch.name || this.appid;
    this.splashEl.replaceWith((this.splashEl = splash(this.name, launch.icon_url)));
    this.filesBase = launch.files_base || '/bundles/files/';
    const manifestP = this.fetchText(launch.manifest_url).then((t) => JSON.parse(t));
    const [manifest, storage, logic] = await Promise.all([
      manifestP,
      this.fetchJson(this.api('/storage-all')).then((r) => (r && r.items) || {}, () => ({})),
      manifestP.then((m) => this.fetchText(this.fileUrl(m.logic))),
    ]);
    this.manifest = manifest;
    const app = manifest.app || {};
    this.appConfig = app;
    // The worker loads the logic script from a blob: of our origin, so the bundle store's content type
    // does not matter; the worker's CSP allows scripts from 'self' and blob: only.
    this.logicUrl = URL.createObjectURL(new Blob([logic], { type: 'text/javascript' }));
    const entry = app.entryPagePath || (app.pages || [])[0];
    let path = (this.opts.path || entry || '').replace(/^\//, '').replace(/\.html$/, '');
    const query = { ...(this.opts.query || {}) };
    if (path.includes('?')) {
      const r = resolveUrl('/' + path, '');
      path = r.route;
      Object.assign(query, r.query);
    }
    this.launchOptions = {
      path, query, scene: Number(this.opts.scene || 1001), referrerInfo: this.opts.referrerInfo || {},
      apiCategory: 'default',
    };
    if (app.tabBar && app.tabBar.list && app.tabBar.list.length >= 2) {
      this.tabs = tabBar(app.tabBar, (p) => this.assetUrl(p), (i) => this.tabTap(i));
      this.el.insertBefore(this.tabs.bar, app.tabBar.position === 'top' ? this.pagesEl : this.nav.capsule);
    }
    if (manifest.pages[path] && !this.isTab(path)) this.early = this.makePage(path, query);
    this.worker.postMessage({
      t: 'init', appid: this.appid, logicUrl: this.logicUrl, manifest,
      launch: this.launchOptions, system: this.systemInfo(), storage,
      envVersion: launch.kind === 'develop' ? 'develop' : launch.kind === 'trial' ? 'trial' : 'release',
      version: launch.version || '',
    });
    await this.readyPromise;
    this.state = 'running';
    if (!this.manifest.pages[path]) {
      await this.pageNotFound(path, query, true);
      if (this.stack.length) return this.firstShown;
      path = entry;
    }
    await this.openFirst(path, query);
  }

  async openFirst(route, query) {
    if (this.isTab(route)) await this.switchTab(route, {}, true);
    else await this.pushPage(route, query);
  }

  pageNotFound(path, query, isEntryPage) {
    return new Promise((resolve) => {
      this.notFoundDone = resolve;
      this.post({ t: 'app:pageNotFound', path, query, isEntryPage });
    });
  }

  fail(err) {
    this.state = 'failed';
    this.splashEl.replaceWith((this.splashEl = h('div', { class: 'mh-splash mh-splash-error' },
      h('div', { class: 'mh-splash-name', text: this.name || this.appid }),
      h('div', { class: 'mh-splash-msg', text: `This mini program could not be opened: ${err.message || err}` }))));
  }

  fileUrl(hash) {
    return this.filesBase + hash;
  }

  fetchText(url) {
    if (!this.files.has(url)) {
      this.files.set(url, fetch(url, { credentials: 'same-origin' }).then((r) => {
        if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
        return r.text();
      }));
    }
    return this.files.get(url);
  }

  assetUrl(path) {
    const p = String(path || '').replace(/^\//, '');
    const hash = this.manifest.assets && this.manifest.assets[p];
    return hash ? this.fileUrl(hash) : '';
  }

  systemInfo() {
    const rect = this.host.phone.getBoundingClientRect();
    const w = Math.round(rect.width) || 390;
    const hgt = Math.round(rect.height) || 844;
    const ua = navigator.userAgent;
    const platform = /iPhone|iPad/.test(ua) ? 'ios' : /Android/.test(ua) ? 'android' : /Mac/.test(ua) ? 'mac' : 'windows';
    const navH = 44;
    const tabH = this.appConfig && this.appConfig.tabBar ? 50 : 0;
    return {
      brand: 'minihost', model: 'Minihost', pixelRatio: window.devicePixelRatio || 1,
      screenWidth: w, screenHeight: hgt, windowWidth: w, windowHeight: hgt - navH - tabH,
      statusBarHeight: 0, language: navigator.language || 'zh_CN', version: '8.0.50', system: platform === 'ios' ? 'iOS 17.0' : platform === 'android' ? 'Android 14' : navigator.platform,
      platform, fontSizeSetting: 16, SDKVersion: '3.4.0', benchmarkLevel: 1, theme: 'light',
      safeArea: { left: 0, right: w, top: 0, bottom: hgt, width: w, height: hgt },
      menuButton: { width: 87, height: 32, top: 6, right: w - 7, bottom: 38, left: w - 94 },
      albumAuthorized: false, cameraAuthorized: false, locationAuthorized: false, microphoneAuthorized: false,
      notificationAuthorized: false, bluetoothEnabled: false, locationEnabled: false, wifiEnabled: true, deviceOrientation: 'portrait',
    };
  }

  post(msg) {
    if (this.worker) this.worker.postMessage(msg);
  }

  // ------------------------------------------------------------------ messages from the worker
  fromWorker(msg) {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.t) {
      case 'loaded':
        return;
      case 'ready':
        this.onReady();
        return;
      case 'fatal':
        console.error('[minihost] logic layer failed', msg.message);
        this.onFatal(new Error(msg.message));
        return;
      case 'error':
        this.lastError = msg.message;
        return;
      case 'api':
        this.runApi(msg);
        return;
      case 'pageNotFound:done':
        if (this.notFoundDone) {
          const done = this.notFoundDone;
          this.notFoundDone = null;
          // the handler usually redirects; give its navigation call a moment to arrive
          setTimeout(done, 0);
        }
        return;
      case 'hook:res': {
        const cb = this.pendingHooks.get(msg.id);
        this.pendingHooks.delete(msg.id);
        if (cb) cb(msg.value);
        return;
      }
      default: {
        const page = this.findPage(msg.pageId);
        if (!page) return;
        if (msg.t === 'page:init' || msg.t === 'setData' || msg.t === 'comp:init' || msg.t === 'comp:trigger' || msg.t === 'event:ret') {
          this.toFrame(page, msg);
        }
        // a frame of a type="2d" canvas drawn in the worker (dropped while the page is not booted yet)
        if (msg.t === 'canvas:frame' && page.booted && msg.bitmap) {
          page.frame.contentWindow.postMessage({ t: 'canvas:frame', key: msg.key, bitmap: msg.bitmap }, '*', [msg.bitmap]);
        }
      }
    }
  }

  async runApi(msg) {
    let ok = true;
    let res;
    try {
      const out = await handleApi(this, msg.name, msg.args || {});
      res = { errMsg: `${msg.name}:ok`, ...(out || {}) };
    } catch (err) {
      ok = false;
      const text = err && err.errMsg ? err.errMsg : err && err.message ? err.message : String(err);
      res = { errMsg: text.startsWith(msg.name + ':') ? text : `${msg.name}:fail ${text}` };
      if (err && err.errno !== undefined) res.errno = err.errno;
      if (!msg.id) console.warn('[minihost]', res.errMsg);
    }
    if (msg.id) this.post({ t: 'api:res', id: msg.id, ok, res });
  }

  findPage(pageId) {
    for (const p of this.stack) if (p.pageId === pageId) return p;
    for (const p of this.tabPages.values()) if (p.pageId === pageId) return p;
    return null;
  }

  // ------------------------------------------------------------------ frames
  toFrame(page, msg) {
    if (!page.booted) {
      page.queue.push(msg);
      return;
    }
    page.frame.contentWindow.postMessage(msg, '*');
  }

  fromFrame(page, msg) {
    const pageId = page.pageId;
    switch (msg.t) {
      case 'hello':
        this.bootFrame(page);
        return;
      case 'page:ready':
        page.ready = true;
        if (page.onFirstRender) page.onFirstRender();
        this.post({ t: 'page:ready', pageId });
        return;
      case 'rendered':
        this.post({ t: 'rendered', pageId, cbs: msg.cbs });
        return;
      case 'event':
        this.post({ t: 'event', pageId, owner: msg.owner, handler: msg.handler, event: msg.event, seq: msg.seq });
        return;
      case 'model':
        this.post({ t: 'model', pageId, owner: msg.owner, path: String(msg.path), value: msg.value });
        return;
      case 'comp:create':
      case 'comp:props':
      case 'comp:detach':
      case 'comp:ready': {
        const out = { ...msg, pageId };
        delete out.appid;
        this.post(out);
        return;
      }
      case 'page:scroll':
        this.post({ t: 'page:hook', pageId, name: 'onPageScroll', args: [{ scrollTop: Number(msg.scrollTop) || 0 }] });
        return;
      case 'page:reachBottom':
        this.post({ t: 'page:hook', pageId, name: 'onReachBottom', args: [] });
        return;
      case 'page:pullDown':
        this.post({ t: 'page:hook', pageId, name: 'onPullDownRefresh', args: [] });
        return;
      case 'navigate':
        this.navigatorTap(page, msg);
        return;
      case 'share':
        this.share(page);
        return;
      case 'selectorQuery:res': {
        const cb = this.pendingQueries.get(msg.id);
        this.pendingQueries.delete(msg.id);
        if (cb) cb(msg.results);
        return;
      }
      case 'image:fetch':
        this.fetchImage(page, msg);
        return;
      case 'viewCall:res': {
        const cb = this.pendingQueries.get(msg.id);
        this.pendingQueries.delete(msg.id);
        if (cb) cb(msg);
        return;
      }
      case 'navbar':
        // <navigation-bar> (page-meta): the page's own bar, as the wx.setNavigationBar* APIs do
        if (page !== this.top()) return;
        for (const [name, args] of [
          msg.title !== undefined && ['setNavigationBarTitle', { title: msg.title }],
          (msg.frontColor || msg.backgroundColor) && ['setNavigationBarColor', { frontColor: msg.frontColor, backgroundColor: msg.backgroundColor }],
          msg.loading !== undefined && [msg.loading ? 'showNavigationBarLoading' : 'hideNavigationBarLoading', {}],
        ].filter(Boolean)) {
          Promise.resolve().then(() => handleApi(this, name, args)).catch((err) => console.warn('[minihost] navigation-bar', err));
        }
        return;
      default:
    }
  }

  async fetchImage(page, msg) {
    try {
      const res = await this.fetchJson(this.api('/request'), {
        method: 'POST',
        body: { url: String(msg.url), method: 'GET', header: {}, dataType: 'other', responseType: 'arraybuffer', debug: !!(this.launch && this.launch.debug) },
      });
      const type = Object.entries(res.header || {}).find(([k]) => k.toLowerCase() === 'content-type');
      const base64 = res.encoding === 'base64' ? res.data : btoa(unescape(encodeURIComponent(res.data || '')));
      this.toFrame(page, { t: 'image:data', id: msg.id, ok: res.statusCode < 400, base64, contentType: type ? type[1] : '' });
    } catch {
      this.toFrame(page, { t: 'image:data', id: msg.id, ok: false });
    }
  }

  async resourcesFor(route) {
    const m = this.manifest;
    const pdef = m.pages[route];
    const comps = [];
    const seen = new Set();
    const visit = (using) => {
      for (const path of Object.values(using || {})) {
        if (seen.has(path) || !m.components[path]) continue;
        seen.add(path);
        comps.push(path);
        visit(m.components[path].usingComponents);
      }
    };
    visit(pdef.usingComponents);
    const tplHashes = [pdef.template, ...comps.map((c) => m.components[c].template)].filter(Boolean);
    const cssHashes = [m.appCss, ...comps.map((c) => m.components[c].css), pdef.css].filter(Boolean);
    const [tpls, css, wxs] = await Promise.all([
      Promise.all(tplHashes.map((hsh) => this.fetchText(this.fileUrl(hsh)).then((t) => [hsh, JSON.parse(t)]))),
      Promise.all(cssHashes.map((hsh) => this.fetchText(this.fileUrl(hsh)))),
      m.wxs ? this.fetchText(this.fileUrl(m.wxs)) : Promise.resolve(null),
    ]);
    const components = {};
    for (const c of comps) components[c] = m.components[c];
    return {
      templates: Object.fromEntries(tpls), css, wxs,
      manifest: { pages: { [route]: pdef }, components, assets: m.assets || {} },
    };
  }

  async bootFrame(page) {
    if (page.booted) return;
    const res = await page.resources;
    page.frame.contentWindow.postMessage({
      t: 'boot', route: page.route, manifest: res.manifest, templates: res.templates, css: res.css, wxs: res.wxs,
      filesBase: new URL(this.filesBase, location.href).href, config: page.config,
    }, '*');
    page.booted = true;
    for (const m of page.queue.splice(0)) page.frame.contentWindow.postMessage(m, '*');
  }

  createPage(route, query) {
    let page = this.early;
    this.early = null;
    if (page && page.route === route) {
      page.query = query;
    } else {
      if (page) this.discardPage(page);
      page = this.makePage(route, query);
    }
    this.post({ t: 'page:create', pageId: page.pageId, route, query });
    return page;
  }

  discardPage(page) {
    this.host.unregisterFrame(page.frame.contentWindow);
    page.frame.remove();
  }

  // A page's frame, loading and registered; the worker hears of it in createPage.
  makePage(route, query) {
    const pageId = nextPageId++;
    const pdef = this.manifest.pages[route];
    const config = { ...(this.appConfig.window || {}), ...((pdef && pdef.config) || {}) };
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.className = 'mh-page-frame';
    frame.title = route;
    const page = {
      pageId, route, query, config, frame, booted: false, queue: [], ready: false,
      title: config.navigationBarTitleText || '',
    };
    page.resources = this.resourcesFor(route);
    page.firstRender = new Promise((resolve) => {
      page.onFirstRender = resolve;
    });
    frame.src = `${FRAME_URL}#appid=${encodeURIComponent(this.appid)}&pageId=${pageId}`;
    this.pagesEl.append(frame);
    this.host.registerFrame(frame.contentWindow, this, page);
    return page;
  }

  unloadPage(page) {
    this.post({ t: 'page:unload', pageId: page.pageId });
    this.host.unregisterFrame(page.frame.contentWindow);
    page.frame.remove();
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route);
  }

  top() {
    return this.stack[this.stack.length - 1];
  }

  syncStack() {
    this.post({ t: 'stack', pageIds: this.stack.map((p) => p.pageId) });
    const top = this.top();
    for (const p of [...this.stack, ...this.tabPages.values()]) p.frame.classList.toggle('mh-active', p === top);
    this.renderChrome();
  }

  renderChrome() {
    const top = this.top();
    if (!top) return;
    const c = top.config;
    const custom = c.navigationStyle === 'custom';
    this.el.classList.toggle('mh-nav-custom', custom);
    const bg = top.navBg || c.navigationBarBackgroundColor || '#000000';
    const fg = top.navFg || (c.navigationBarTextStyle === 'black' ? '#000000' : '#ffffff');
    this.nav.bar.style.backgroundColor = bg;
    this.nav.bar.style.color = fg;
    this.el.classList.toggle('mh-capsule-dark', fg === '#ffffff' && !custom);
    this.nav.title.textContent = top.title;
    this.nav.back.hidden = this.stack.length <= 1;
    if (this.tabs) {
      const isTab = this.isTab(top.route);
      this.tabs.bar.hidden = !isTab || this.tabBarHidden;
      this.el.classList.toggle('mh-has-tabbar', isTab && !this.tabBarHidden);
      if (isTab) this.tabs.select(top.route);
    }
    this.pagesEl.style.backgroundColor = c.backgroundColor || '';
  }

  isTab(route) {
    const list = (this.appConfig.tabBar && this.appConfig.tabBar.list) || [];
    return list.some((it) => String(it.pagePath).replace(/^\//, '').replace(/\.html$/, '') === route);
  }

  async afterFirstRender(page) {
    await page.firstRender;
    if (this.splashEl && this.splashEl.isConnected && !this.splashEl.classList.contains('mh-splash-error')) this.splashEl.remove();
  }

  // ------------------------------------------------------------------ navigation
  checkRoute(api, route) {
    if (!this.manifest.pages[route]) throw { errMsg: `${api}:fail page "${route}" is not found` };
  }

  async pushPage(route, query) {
    const prev = this.top();
    if (prev) this.post({ t: 'page:hide', pageId: prev.pageId });
    const page = this.createPage(route, query);
    this.stack.push(page);
    this.syncStack();
    await this.afterFirstRender(page);
  }

  showTop() {
    const top = this.top();
    if (top) this.post({ t: 'page:show', pageId: top.pageId });
  }

  async navigateTo(url, fromRoute) {
    const { route, query } = resolveUrl(url, fromRoute);
    this.checkRoute('navigateTo', route);
    if (this.isTab(route)) throw { errMsg: 'navigateTo:fail can not navigateTo a tabbar page' };
    if (this.stack.length >= STACK_LIMIT) throw { errMsg: 'navigateTo:fail webview count limit exceed' };
    await this.pushPage(route, query);
  }

  async redirectTo(url, fromRoute) {
    const { route, query } = resolveUrl(url, fromRoute);
    this.checkRoute('redirectTo', route);
    if (this.isTab(route)) throw { errMsg: 'redirectTo:fail can not redirectTo a tabbar page' };
    const old = this.stack.pop();
    if (old) {
      if (this.isTab(old.route)) this.post({ t: 'page:hide', pageId: old.pageId });
      else this.unloadPage(old);
    }
    const page = this.createPage(route, query);
    this.stack.push(page);
    this.syncStack();
    await this.afterFirstRender(page);
  }

  navigateBack(delta = 1) {
    if (this.stack.length <= 1) throw { errMsg: 'navigateBack:fail cannot navigate back at first page.' };
    const n = Math.max(1, Math.min(Number(delta) || 1, this.stack.length - 1));
    for (let i = 0; i < n; i++) this.unloadPage(this.stack.pop());
    this.syncStack();
    this.showTop();
  }

  async switchTab(url, fromRoute, initial = false) {
    const { route } = resolveUrl(initial ? '/' + url.replace(/^\//, '') : url, fromRoute || '');
    this.checkRoute('switchTab', route);
    if (!this.isTab(route)) throw { errMsg: 'switchTab:fail can not switch to no-tabBar page' };
    const top = this.top();
    if (top && top.route === route && this.stack.length === 1) return;
    // non-tab pages are closed; tab pages stay alive (hidden)
    for (const p of this.stack.splice(0).reverse()) {
      if (this.tabPages.get(p.route) === p) this.post({ t: 'page:hide', pageId: p.pageId });
      else this.unloadPage(p);
    }
    let page = this.tabPages.get(route);
    if (page) {
      this.stack.push(page);
      this.syncStack();
      this.post({ t: 'page:show', pageId: page.pageId });
      return;
    }
    page = this.createPage(route, {});
    this.tabPages.set(route, page);
    this.stack.push(page);
    this.syncStack();
    await this.afterFirstRender(page);
  }

  async reLaunch(url, fromRoute) {
    const { route, query } = resolveUrl(url, fromRoute);
    this.checkRoute('reLaunch', route);
    for (const p of this.stack.splice(0).reverse()) this.unloadPage(p);
    for (const p of [...this.tabPages.values()]) this.unloadPage(p);
    if (this.isTab(route)) {
      const page = this.createPage(route, query);
      this.tabPages.set(route, page);
      this.stack.push(page);
      this.syncStack();
      await this.afterFirstRender(page);
    } else await this.pushPage(route, query);
  }

  async tabTap(index) {
    const item = this.appConfig.tabBar.list[index];
    const route = String(item.pagePath).replace(/^\//, '').replace(/\.html$/, '');
    try {
      await this.switchTab('/' + route);
    } catch (err) {
      console.warn('[minihost]', err.errMsg || err);
      return;
    }
    const page = this.top();
    this.post({ t: 'page:hook', pageId: page.pageId, name: 'onTabItemTap', args: [{ index, pagePath: route, text: item.text || '' }] });
  }

  async navigatorTap(page, msg) {
    if (page !== this.top()) return;
    const url = msg.url;
    try {
      switch (msg.openType) {
        case 'redirect': await this.redirectTo(url, page.route); break;
        case 'switchTab': await this.switchTab(url, page.route); break;
        case 'reLaunch': await this.reLaunch(url, page.route); break;
        case 'navigateBack': this.navigateBack(msg.delta); break;
        case 'exit': this.host.close(this.appid); break;
        default: await this.navigateTo(url, page.route);
      }
    } catch (err) {
      console.warn('[minihost] <navigator>', err.errMsg || err);
    }
  }

  callHook(page, name, args = []) {
    const id = this.nextReq++;
    return new Promise((resolve) => {
      this.pendingHooks.set(id, resolve);
      this.post({ t: 'page:hook', pageId: page.pageId, name, args, id });
    });
  }

  async share(page) {
    const ret = (await this.callHook(page, 'onShareAppMessage', [{ from: 'menu' }])) || {};
    const title = ret.title || this.name;
    const path = ret.path || page.route;
    this.lastShare = { title, path, imageUrl: ret.imageUrl || '' };
    await handleApi(this, 'showToast', { title: `Shared: ${title}`, icon: 'none' });
  }

  async moreMenu() {
    const items = ['Share', 'Reload', `About ${this.name}`];
    const i = await actionSheet(this.overlay, { itemList: items });
    const top = this.top();
    if (i === 0 && top) this.share(top);
    else if (i === 1) {
      const app = this.host;
      app.terminate(this.appid);
      app.open(this.appid, this.opts);
    } else if (i === 2) {
      await handleApi(this, 'showModal', { title: this.name, content: `${this.appid}\nversion ${this.launch.version || ''}`, showCancel: false });
    }
  }

  // ------------------------------------------------------------------ visibility
  hide() {
    if (!this.visible) return;
    this.visible = false;
    this.el.hidden = true;
    const top = this.top();
    if (top) this.post({ t: 'page:hide', pageId: top.pageId });
    this.post({ t: 'app:hide' });
  }

  async show(opts = {}) {
    if (this.visible) return;
    this.visible = true;
    this.el.hidden = false;
    const options = {
      path: opts.path || (this.top() ? this.top().route : ''), query: opts.query || {},
      scene: Number(opts.scene || 1001), referrerInfo: opts.referrerInfo || {}, apiCategory: 'default',
    };
    this.post({ t: 'app:show', options });
    if (opts.path && this.top() && opts.path.replace(/^\//, '') !== this.top().route) {
      await this.reLaunch('/' + opts.path.replace(/^\//, ''), '');
    } else this.showTop();
  }

  destroy() {
    if (this.early) this.discardPage(this.early);
    for (const p of [...this.stack, ...this.tabPages.values()]) this.host.unregisterFrame(p.frame.contentWindow);
    if (this.worker) this.worker.terminate();
    if (this.logicUrl) URL.revokeObjectURL(this.logicUrl);
    this.el.remove();
  }

  viewCall(args) {
    const page = this.findPage(args.pageId) || this.top();
    if (!page) return Promise.reject({ errMsg: 'no page' });
    const id = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pendingQueries.set(id, (msg) => (msg.ok ? resolve(msg.res) : reject(msg.res)));
      this.toFrame(page, { t: 'viewCall', id, owner: args.owner || 0, key: args.key || 0, canvasId: args.canvasId, method: String(args.method), args: args.args || [] });
    });
  }

  selectorQuery(args) {
    const page = this.findPage(args.pageId) || this.top();
    if (!page) return Promise.resolve([]);
    const id = this.nextReq++;
    return new Promise((resolve) => {
      this.pendingQueries.set(id, resolve);
      this.toFrame(page, { t: 'selectorQuery', id, owner: args.owner || 0, queries: args.queries || [] });
    });
  }
}
