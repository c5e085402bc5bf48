// wx APIs the host implements for the logic layer. Each handler answers a result object (the bridge adds
// errMsg "name:ok") or throws {errMsg} / an Error (the bridge answers "name:fail <message>").
import { actionSheet, modal, toast } from './ui.js';

function fromRoute(app) {
  const top = app.top();
  return top ? top.route : '';
}

async function storageCall(app, name, fn) {
  try {
    return await fn();
  } catch (err) {
    if (err.status === 413) throw { errMsg: `${name}:fail exceed storage max size 10MB` };
    if (err.status === 404) throw { errMsg: `${name}:fail data not found` };
    throw { errMsg: `${name}:fail ${err.message || err}` };
  }
}

function clearToast(app) {
  if (app.toastTimer) clearTimeout(app.toastTimer);
  app.toastTimer = null;
  if (app.toastEl) app.toastEl.remove();
  app.toastEl = null;
  app.toastKind = null;
}

const API = {
  // ---- wx.getUpdateManager: the host API answers whether the version this user should see changed
  async checkUpdate(app) {
    const current = String((app.launch && app.launch.manifest_url) || '').split('/').pop();
    const q = new URLSearchParams({ current, version: (app.launch && app.launch.kind) || 'release' });
    const res = await app.fetchJson(app.api(`/update?${q}`));
    return { hasUpdate: !!(res && res.hasUpdate) };
  },
  applyUpdate(app) {
    // Relaunch: the new version is loaded by a fresh launch, on the mini program's first page.
    const { host, appid } = app;
    const version = (app.launch && app.launch.kind) || 'release';
    setTimeout(() => {
      host.terminate(appid);
      host.open(appid, { version });
    }, 0);
    return {};
  },
  // ---- storage (HOST_API.md); the worker keeps the sync copy
  setStorage(app, { key, data }) {
    return storageCall(app, 'setStorage', async () => {
      await app.fetchJson(app.api(`/storage/${encodeURIComponent(key)}`), { method: 'PUT', body: { value: data === undefined ? null : data } });
      return {};
    });
  },
  removeStorage(app, { key }) {
    return storageCall(app, 'removeStorage', async () => {
      try {
        await app.fetchJson(app.api(`/storage/${encodeURIComponent(key)}`), { method: 'DELETE' });
      } catch (err) {
        if (err.status !== 404) throw err;
      }
      return {};
    });
  },
  clearStorage(app) {
    return storageCall(app, 'clearStorage', async () => {
      await app.fetchJson(app.api('/storage'), { method: 'DELETE' });
      return {};
    });
  },

  // ---- network
  async request(app, args) {
    const body = {
      url: String(args.url || ''), method: String(args.method || 'GET').toUpperCase(), header: args.header || {},
      data: args.data === undefined ? null : args.data, dataType: args.dataType || 'json',
      responseType: args.responseType || 'text', timeout: args.timeout || 60000, debug: !!(app.launch && app.launch.debug),
    };
    let res;
    try {
      res = await app.fetchJson(app.api('/request'), { method: 'POST', body });
    } catch (err) {
      const msg = err.body && err.body.error && err.body.error.message;
      throw { errMsg: msg && msg.startsWith('request:fail') ? msg : `request:fail ${msg || err.message}` };
    }
    let data = res.data;
    if (res.encoding !== 'base64' && body.dataType === 'json' && typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        // WeChat hands the text over when it is not JSON
      }
    }
    const out = { statusCode: res.statusCode, header: res.header || {}, data, cookies: [] };
    if (res.encoding === 'base64') out.encoding = 'base64';
    return out;
  },
  async login(app) {
    const r = await app.fetchJson(app.api('/login'), { method: 'POST', body: {} });
    return { code: r.code };
  },
  checkSession() {
    return {};
  },

  // ---- interaction, drawn by the host over the page
  showToast(app, { title = '', icon = 'success', image, duration = 1500, mask = false }) {
    clearToast(app);
    app.toastEl = toast(app.overlay, { title, icon, image: image ? app.assetUrl(image) || image : null, mask });
    app.toastKind = 'toast';
    app.toastTimer = setTimeout(() => clearToast(app), Number(duration) || 1500);
    return {};
  },
  hideToast(app) {
    if (app.toastKind === 'toast') clearToast(app);
    return {};
  },
  showLoading(app, { title = '', mask = false }) {
    clearToast(app);
    app.toastEl = toast(app.overlay, { title, loading: true, mask });
    app.toastKind = 'loading';
    return {};
  },
  hideLoading(app) {
    if (app.toastKind === 'loading') clearToast(app);
    return {};
  },
  async showModal(app, opts) {
    const r = await modal(app.overlay, opts);
    const out = { confirm: r.confirm, cancel: r.cancel };
    if (opts.editable) out.content = r.content;
    return out;
  },
  async showActionSheet(app, opts) {
    if (!Array.isArray(opts.itemList) || !opts.itemList.length) throw { errMsg: 'showActionSheet:fail parameter error: itemList should not be empty' };
    if (opts.itemList.length > 6) throw { errMsg: 'showActionSheet:fail parameter error: itemList should not be large than 6' };
    const i = await actionSheet(app.overlay, opts);
    if (i < 0) throw { errMsg: 'showActionSheet:fail cancel' };
    return { tapIndex: i };
  },

  // ---- navigation
  async navigateTo(app, { url }) {
    await app.navigateTo(url, fromRoute(app));
    return {};
  },
  async redirectTo(app, { url }) {
    await app.redirectTo(url, fromRoute(app));
    return {};
  },
  navigateBack(app, { delta = 1 }) {
    app.navigateBack(delta);
    return {};
  },
  async switchTab(app, { url }) {
    await app.switchTab(url, fromRoute(app));
    return {};
  },
  async reLaunch(app, { url }) {
    await app.reLaunch(url, fromRoute(app));
    return {};
  },
  exitMiniProgram(app) {
    app.host.close(app.appid);
    return {};
  },

  // ---- navigation bar, tab bar, page
  setNavigationBarTitle(app, { title = '' }) {
    const top = app.top();
    if (top) top.title = String(title);
    app.renderChrome();
    return {};
  },
  setNavigationBarColor(app, { frontColor, backgroundColor }) {
    const top = app.top();
    if (frontColor && frontColor !== '#ffffff' && frontColor !== '#000000') throw { errMsg: 'setNavigationBarColor:fail invalid frontColor' };
    if (top) {
      if (frontColor) top.navFg = frontColor;
      if (backgroundColor) top.navBg = backgroundColor;
    }
    app.renderChrome();
    return {};
  },
  showNavigationBarLoading(app) {
    app.nav.loading.hidden = false;
    return {};
  },
  hideNavigationBarLoading(app) {
    app.nav.loading.hidden = true;
    return {};
  },
  setBackgroundColor() {
    return {};
  },
  setBackgroundTextStyle() {
    return {};
  },
  startPullDownRefresh(app) {
    const top = app.top();
    if (top) app.toFrame(top, { t: 'pullDown:start' });
    return {};
  },
  stopPullDownRefresh(app) {
    const top = app.top();
    if (top) app.toFrame(top, { t: 'pullDown:stop' });
    return {};
  },
  pageScrollTo(app, { scrollTop = 0, duration = 300, selector }) {
    const top = app.top();
    if (top) app.toFrame(top, { t: 'pageScrollTo', scrollTop, duration, selector });
    return {};
  },
  setTabBarBadge(app, { index, text }) {
    const it = app.tabs && app.tabs.items[index];
    if (!it) throw { errMsg: 'setTabBarBadge:fail tabbar item not found' };
    it.badge.hidden = false;
    it.badge.textContent = String(text);
    it.badge.classList.remove('mh-tab-dot');
    return {};
  },
  removeTabBarBadge(app, { index }) {
    const it = app.tabs && app.tabs.items[index];
    if (!it) throw { errMsg: 'removeTabBarBadge:fail tabbar item not found' };
    it.badge.hidden = true;
    return {};
  },
  showTabBarRedDot(app, { index }) {
    const it = app.tabs && app.tabs.items[index];
    if (!it) throw { errMsg: 'showTabBarRedDot:fail tabbar item not found' };
    it.badge.hidden = false;
    it.badge.textContent = '';
    it.badge.classList.add('mh-tab-dot');
    return {};
  },
  hideTabBarRedDot(app, { index }) {
    return API.removeTabBarBadge(app, { index });
  },
  showTabBar(app) {
    app.tabBarHidden = false;
    app.renderChrome();
    return {};
  },
  hideTabBar(app) {
    app.tabBarHidden = true;
    app.renderChrome();
    return {};
  },
  setTabBarItem(app, { index, text, iconPath, selectedIconPath }) {
    const it = app.tabs && app.tabs.items[index];
    if (!it) throw { errMsg: 'setTabBarItem:fail tabbar item not found' };
    if (text !== undefined) it.item.text = it.label.textContent = String(text);
    if (iconPath) it.item.iconPath = iconPath;
    if (selectedIconPath) it.item.selectedIconPath = selectedIconPath;
    app.renderChrome();
    return {};
  },
  setTabBarStyle(app, { color, selectedColor, backgroundColor }) {
    const cfg = app.appConfig.tabBar;
    if (color) cfg.color = color;
    if (selectedColor) cfg.selectedColor = selectedColor;
    if (backgroundColor) app.tabs.bar.style.backgroundColor = backgroundColor;
    app.renderChrome();
    return {};
  },

  // ---- device
  async setClipboardData(app, { data }) {
    try {
      await navigator.clipboard.writeText(String(data));
    } catch {
      app.clipboard = String(data);
    }
    app.clipboard = String(data);
    API.showToast(app, { title: '内容已复制', icon: 'none' });
    return {};
  },
  async getClipboardData(app) {
    return { data: app.clipboard || '' };
  },
  getNetworkType() {
    const c = navigator.connection;
    return { networkType: navigator.onLine ? (c && c.type === 'cellular' ? '4g' : 'wifi') : 'none' };
  },
  vibrateShort() {
    if (navigator.vibrate) navigator.vibrate(15);
    return {};
  },
  vibrateLong() {
    if (navigator.vibrate) navigator.vibrate(400);
    return {};
  },
  makePhoneCall(app, { phoneNumber }) {
    if (!phoneNumber) throw { errMsg: 'makePhoneCall:fail parameter error: parameter.phoneNumber should be String' };
    return {};
  },
  getSetting() {
    return { authSetting: {} };
  },
  showShareMenu() {
    return {};
  },
  hideShareMenu() {
    return {};
  },
  updateShareMenu() {
    return {};
  },
  reportAnalytics() {
    return {};
  },
  // EditorContext / legacy CanvasContext methods, run by the page's frame
  async viewCall(app, args) {
    return app.viewCall(args);
  },
  async selectorQuery(app, args) {
    return { results: await app.selectorQuery(args) };
  },
};

export async function handleApi(app, name, args) {
  const fn = Object.prototype.hasOwnProperty.call(API, name) ? API[name] : null;
  if (!fn) throw { errMsg: `${name}:fail not supported in Minihost yet` };
  return fn(app, args || {});
}
