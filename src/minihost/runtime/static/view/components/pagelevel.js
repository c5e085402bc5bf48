// Page-level components: page-container, match-media, navigation-bar, page-meta, root-portal.
import { fire } from '../events.js';
import { convertRpx, page } from '../patch.js';
import { changed, div, internal, num, on } from './util.js';

// ------------------------------------------------------------------ page-container
export const pageContainer = {
  create(el) {
    const mask = internal(div('wx-page-container-mask'));
    const panel = internal(div('wx-page-container-panel'));
    el.append(mask, panel);
    el.__mhContent = panel;
    el.__pc = { mask, panel, shown: false, timer: null };
    mask.addEventListener('click', () => {
      fire(el, 'clickoverlay', {});
      if (el.__pc.shown) pageContainer.leave(el);
    });
  },
  enter(el) {
    const s = el.__pc;
    const d = num(el.__mhv.attrs.duration, 300);
    s.shown = true;
    clearTimeout(s.timer);
    fire(el, 'beforeenter', {});
    el.hidden = false;
    el.classList.remove('wx-page-container-leaving');
    requestAnimationFrame(() => {
      el.classList.add('wx-page-container-show');
      fire(el, 'enter', {});
      s.timer = setTimeout(() => fire(el, 'afterenter', {}), d);
    });
  },
  leave(el) {
    const s = el.__pc;
    const d = num(el.__mhv.attrs.duration, 300);
    s.shown = false;
    clearTimeout(s.timer);
    fire(el, 'beforeleave', {});
    el.classList.remove('wx-page-container-show');
    fire(el, 'leave', {});
    s.timer = setTimeout(() => {
      if (!s.shown) el.hidden = true;
      fire(el, 'afterleave', {});
    }, d);
  },
  update(el, v, old) {
    const a = v.attrs;
    const s = el.__pc;
    el.setAttribute('position', ['top', 'right', 'center', 'bottom'].includes(a.position) ? a.position : 'bottom');
    el.toggleAttribute('round', on(a.round));
    s.mask.hidden = a.overlay === false || a.overlay === 'false';
    if (a['overlay-style']) s.mask.style.cssText = convertRpx(String(a['overlay-style']));
    if (a['custom-style']) s.panel.style.cssText = convertRpx(String(a['custom-style']));
    el.style.zIndex = String(num(a['z-index'], 100));
    el.style.setProperty('--wx-pc-duration', num(a.duration, 300) + 'ms');
    if (changed(v, old, 'show')) {
      if (on(a.show) && !s.shown) pageContainer.enter(el);
      else if (!on(a.show) && s.shown) pageContainer.leave(el);
      else if (!old) el.hidden = true;
    }
    if (!old && !on(a.show)) el.hidden = true;
  },
};

// ------------------------------------------------------------------ match-media
const MEDIA = { 'min-width': 'min-width', 'max-width': 'max-width', width: 'width', 'min-height': 'min-height', 'max-height': 'max-height', height: 'height' };
export const matchMedia_ = {
  update(el, v) {
    const parts = [];
    for (const [attr, feat] of Object.entries(MEDIA)) if (v.attrs[attr] !== undefined && v.attrs[attr] !== '') parts.push(`(${feat}: ${num(v.attrs[attr], 0)}px)`);
    if (v.attrs.orientation === 'landscape' || v.attrs.orientation === 'portrait') parts.push(`(orientation: ${v.attrs.orientation})`);
    const q = parts.join(' and ') || 'all';
    if (el.__mq && el.__mq.media === q) return;
    if (el.__mq) el.__mq.onchange = null;
    const mq = (el.__mq = window.matchMedia(q));
    const apply = () => el.classList.toggle('wx-match-media-hidden', !mq.matches);
    mq.onchange = apply;
    apply();
  },
};

// ------------------------------------------------------------------ navigation-bar (in page-meta or alone)
export const navigationBar = {
  update(el, v, old) {
    const a = v.attrs;
    const msg = { t: 'navbar' };
    let any = false;
    for (const [attr, key] of [['title', 'title'], ['front-color', 'frontColor'], ['background-color', 'backgroundColor'], ['loading', 'loading']]) {
      if (a[attr] !== undefined && changed(v, old, attr)) {
        msg[key] = attr === 'loading' ? on(a[attr]) : String(a[attr]);
        any = true;
      }
    }
    if (any) page.send(msg);
  },
};

// ------------------------------------------------------------------ page-meta
export const pageMeta = {
  update(el, v, old) {
    const a = v.attrs;
    const root = document.querySelector('wx-page');
    if (changed(v, old, 'background-color') && a['background-color']) document.documentElement.style.backgroundColor = String(a['background-color']);
    if (changed(v, old, 'root-font-size')) document.documentElement.style.fontSize = a['root-font-size'] && a['root-font-size'] !== 'auto' ? convertRpx(String(a['root-font-size'])) : '';
    if (changed(v, old, 'page-font-size') && root) root.style.fontSize = a['page-font-size'] ? convertRpx(String(a['page-font-size'])) : '';
    if (changed(v, old, 'page-style') && root) root.style.cssText = a['page-style'] ? convertRpx(String(a['page-style'])) : '';
    if (changed(v, old, 'scroll-top') && a['scroll-top'] !== undefined && a['scroll-top'] !== '') {
      const s = String(a['scroll-top']);
      const m = /^(-?\d*\.?\d+)rpx$/.exec(s);
      const top = m ? (Number(m[1]) * innerWidth) / 750 : parseFloat(s) || 0;
      window.scrollTo({ top, behavior: num(a['scroll-duration'], 300) ? 'smooth' : 'auto' });
    }
  },
};

// ------------------------------------------------------------------ root-portal
// Its children live in a container at the end of the page, so that fixed positioning and z-index are
// relative to the page and not to a transformed or clipped ancestor.
export const rootPortal = {
  create(el) {
    const box = internal(div('wx-root-portal-content'));
    el.__rp = box;
    el.__mhContent = box;
    const root = document.querySelector('wx-page') || document.body;
    root.appendChild(box);
  },
  update(el, v) {
    const enable = v.attrs.enable === undefined || on(v.attrs.enable);
    const root = document.querySelector('wx-page') || document.body;
    const box = el.__rp;
    if (enable && box.parentNode !== root) root.appendChild(box);
    else if (!enable && box.parentNode !== el) el.appendChild(box);
  },
  destroy(el) {
    el.__rp.remove();
  },
};
