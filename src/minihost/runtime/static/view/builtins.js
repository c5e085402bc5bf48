// Built-in components: behaviour of the `wx-<tag>` elements beyond plain attributes.
// Each entry: create(el, v) once, update(el, v, old) after every patch, destroy(el, v).
import { fire } from './events.js';
import { ICONS } from './icons.js';
import { checkbox, checkboxGroup, form, label, radio, radioGroup, slider, switch_ } from './components/form.js';
import { canvas, coverImage, editor, movableView } from './components/media.js';
import { matchMedia_, navigationBar, pageContainer, pageMeta, rootPortal } from './components/pagelevel.js';
import { picker, pickerView, pickerViewColumn } from './components/pickers.js';
import { richText } from './components/richtext.js';
import { page, truthyAttr } from './patch.js';

const on = (v) => truthyAttr(v);
function internal(el) {
  el.__mhInternal = true;
  return el;
}
function changed(v, old, name) {
  return !old || old.attrs[name] !== v.attrs[name];
}
function num(v, d) {
  const n = Number(v);
  return v === undefined || v === null || v === '' || Number.isNaN(n) ? d : n;
}
// Only touches the DOM when the attribute really changes.
function reflect(el, name, value) {
  if (value === undefined || value === null || value === false || value === 'false') {
    if (el.hasAttribute(name)) el.removeAttribute(name);
    return;
  }
  const s = value === true ? '' : String(value);
  if (el.getAttribute(name) !== s) el.setAttribute(name, s);
}

// ------------------------------------------------------------------ text
const ENTITIES = { '&nbsp;': '\u00a0', '&lt;': '<', '&gt;': '>', '&amp;': '&', '&apos;': "'", '&quot;': '"', '&ensp;': '\u2002', '&emsp;': '\u2003' };
const text = {
  update(el, v) {
    reflect(el, 'selectable', on(v.attrs.selectable) || on(v.attrs['user-select']) ? true : null);
    const decode = on(v.attrs.decode);
    const space = v.attrs.space;
    for (const c of v.children) {
      if (c.k !== 't') continue;
      let s = c.v;
      if (decode) s = s.replace(/&(nbsp|lt|gt|amp|apos|quot|ensp|emsp);/g, (m) => ENTITIES[m]);
      if (space === 'ensp' || space === 'emsp' || space === 'nbsp') {
        const ch = space === 'ensp' ? '\u2002' : space === 'emsp' ? '\u2003' : '\u00a0';
        s = s.replace(/ /g, ch);
      }
      if (c.dom.data !== s) c.dom.data = s;
    }
  },
};

// ------------------------------------------------------------------ image
const POSITION = {
  top: 'center top', bottom: 'center bottom', center: 'center center', left: 'left center', right: 'right center',
  'top left': 'left top', 'top right': 'right top', 'bottom left': 'left bottom', 'bottom right': 'right bottom',
};
const image = {
  create(el) {
    const div = internal(document.createElement('div'));
    const img = internal(document.createElement('img'));
    img.alt = '';
    img.setAttribute('aria-hidden', 'true');
    el.append(div, img);
    el.__img = { div, img };
    img.addEventListener('load', () => {
      const v = el.__mhv;
      const { naturalWidth: w, naturalHeight: h } = img;
      el.__natural = [w, h];
      div.style.backgroundImage = `url("${img.src.replace(/"/g, '%22')}")`;
      image.layout(el, v);
      fire(el, 'load', { width: w, height: h });
    });
    img.addEventListener('error', () => {
      div.style.backgroundImage = '';
      fire(el, 'error', { errMsg: `GET ${el.__src || ''} 404 (Not Found)` });
    });
  },
  update(el, v, old) {
    const { div, img } = el.__img;
    const mode = v.attrs.mode || 'scaleToFill';
    reflect(el, 'mode', mode);
    if (changed(v, old, 'src') || changed(v, old, 'lazy-load')) {
      const src = v.attrs.src ? page.assetUrl(String(v.attrs.src), v.owner) : '';
      el.__src = src;
      if (on(v.attrs['lazy-load'])) img.loading = 'lazy';
      if (src) img.src = src;
      else {
        img.removeAttribute('src');
        div.style.backgroundImage = '';
      }
    }
    const size = { scaleToFill: '100% 100%', aspectFit: 'contain', aspectFill: 'cover', widthFix: '100% 100%', heightFix: '100% 100%' }[mode] || 'auto auto';
    div.style.backgroundSize = size;
    div.style.backgroundPosition = POSITION[mode] || (mode === 'aspectFit' || mode === 'aspectFill' ? 'center center' : '0% 0%');
    div.style.backgroundRepeat = 'no-repeat';
    image.layout(el, v);
  },
  layout(el, v) {
    const mode = v.attrs.mode;
    const n = el.__natural;
    if (!n || !n[0] || !n[1]) return;
    if (mode === 'widthFix') el.style.height = `${(el.clientWidth * n[1]) / n[0]}px`;
    else if (mode === 'heightFix') el.style.width = `${(el.clientHeight * n[0]) / n[1]}px`;
  },
};

// ------------------------------------------------------------------ button
const button = {
  create(el) {
    el.tabIndex = 0;
    el.setAttribute('role', 'button');
    el.__mhTap = (v) => {
      if (on(v.attrs.disabled)) return;
      const ft = v.attrs['form-type'];
      if (ft === 'submit' || ft === 'reset') {
        const form = el.closest('wx-form');
        if (form && form.__mhFormAction) form.__mhFormAction(ft);
      }
      const ot = v.attrs['open-type'];
      if (ot === 'share') page.send({ t: 'share' });
    };
  },
  update(el, v) {
    reflect(el, 'type', v.attrs.type || 'default');
    reflect(el, 'size', v.attrs.size === 'mini' ? 'mini' : null);
    for (const a of ['plain', 'disabled', 'loading']) reflect(el, a, on(v.attrs[a]) ? true : null);
    let spin = el.__spin;
    if (on(v.attrs.loading) && !spin) {
      spin = el.__spin = internal(document.createElement('span'));
      spin.className = 'wx-loading-icon';
      el.insertBefore(spin, el.firstChild);
    } else if (!on(v.attrs.loading) && spin) {
      spin.remove();
      el.__spin = null;
    }
    reflect(el, 'aria-disabled', on(v.attrs.disabled) ? 'true' : 'false');
  },
};

// ------------------------------------------------------------------ input / textarea
function field(tagName) {
  return {
    create(el) {
      const input = internal(document.createElement(tagName));
      el.__emitted = new Set();
      el.appendChild(input);
      el.__input = input;
      el.__mhField = () => input.value;
      el.__mhReset = () => {
        input.value = '';
      };
      input.addEventListener('input', () => {
        const v = el.__mhv;
        const ml = num(v.attrs.maxlength, 140);
        if (ml >= 0 && input.value.length > ml) input.value = input.value.slice(0, ml);
        const value = input.value;
        // setData echoing what the user typed must not overwrite newer keystrokes
        el.__emitted.add(value);
        if (el.__emitted.size > 64) el.__emitted.delete(el.__emitted.values().next().value);
        fire(el, 'input', { value, cursor: input.selectionStart ?? value.length, keyCode: 0 }, {
          wantReturn: (ret) => {
            if (typeof ret === 'string' || typeof ret === 'number') {
              if (input.value === value) input.value = String(ret);
            } else if (ret && typeof ret === 'object' && 'value' in ret) {
              input.value = String(ret.value);
              if (typeof ret.cursor === 'number') input.setSelectionRange(ret.cursor, ret.cursor);
            }
          },
        });
      });
      input.addEventListener('focus', () => {
        el.classList.add('wx-focused');
        fire(el, 'focus', { value: input.value, height: 0 });
      });
      input.addEventListener('blur', () => {
        el.classList.remove('wx-focused');
        fire(el, 'blur', { value: input.value, cursor: input.selectionStart ?? 0 });
      });
      input.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter') return;
        if (tagName === 'textarea' && !on(el.__mhv.attrs['confirm-hold']) && el.__mhv.attrs['show-confirm-bar'] !== true) return;
        if (tagName === 'input') e.preventDefault();
        fire(el, 'confirm', { value: input.value });
        if (tagName === 'input' && !on(el.__mhv.attrs['confirm-hold'])) input.blur();
      });
    },
    update(el, v, old) {
      const input = el.__input;
      const a = v.attrs;
      if (changed(v, old, 'value')) {
        const val = a.value === undefined || a.value === null ? '' : String(a.value);
        if (el.__emitted.has(val)) el.__emitted.delete(val);
        else if (input.value !== val) input.value = val;
      }
      if (tagName === 'input') {
        const type = on(a.password) || a.type === 'safe-password' ? 'password' : 'text';
        if (input.type !== type) input.type = type;
        input.inputMode = a.type === 'number' ? 'numeric' : a.type === 'digit' ? 'decimal' : a.type === 'idcard' ? 'text' : 'text';
        input.enterKeyHint = a['confirm-type'] === 'search' ? 'search' : a['confirm-type'] === 'next' ? 'next' : a['confirm-type'] === 'go' ? 'go' : a['confirm-type'] === 'send' ? 'send' : 'done';
      }
      input.placeholder = a.placeholder === undefined ? '' : String(a.placeholder);
      if (a['placeholder-class']) el.setAttribute('data-placeholder-class', String(a['placeholder-class']));
      const ml = num(a.maxlength, 140);
      if (ml >= 0) input.maxLength = ml;
      else input.removeAttribute('maxlength');
      input.disabled = on(a.disabled);
      if (tagName === 'textarea' && on(a['auto-height'])) {
        // grows with its text; measured once laid out (a fresh node is not in the document yet)
        const fit = () => {
          el.style.height = 'auto';
          input.style.height = 'auto';
          input.style.height = Math.max(input.scrollHeight, parseFloat(getComputedStyle(input).lineHeight) || 20) + 'px';
        };
        if (el.isConnected) fit();
        else requestAnimationFrame(fit);
        if (!el.__fit) {
          el.__fit = fit;
          input.addEventListener('input', () => on(el.__mhv.attrs['auto-height']) && fit());
        }
      }
      const focus = on(a.focus) || on(a['auto-focus']);
      if (focus && (!old || !(on(old.attrs.focus) || on(old.attrs['auto-focus'])))) setTimeout(() => input.focus(), 0);
      else if (!focus && old && on(old.attrs.focus) && document.activeElement === input) input.blur();
    },
  };
}

// ------------------------------------------------------------------ navigator
const navigator_ = {
  create(el) {
    el.__mhTap = (v) => {
      const a = v.attrs;
      if (a.target === 'miniProgram') return;
      page.send({ t: 'navigate', openType: a['open-type'] || 'navigate', url: a.url === undefined ? '' : String(a.url), delta: num(a.delta, 1) });
    };
  },
};

// ------------------------------------------------------------------ icon
const icon = {
  update(el, v) {
    const type = String(v.attrs.type || '');
    const def = ICONS[type];
    const size = v.attrs.size === undefined ? 23 : v.attrs.size;
    const px = typeof size === 'number' || /^\d+(\.\d+)?$/.test(String(size)) ? `${size}px` : String(size).replace(/(-?\d*\.?\d+)rpx/, 'calc($1 * var(--rpx))');
    const color = v.attrs.color ? String(v.attrs.color) : def ? def.color : '#000';
    const key = `${type}|${px}|${color}`;
    if (el.__iconKey === key) return;
    el.__iconKey = key;
    for (const n of [...el.childNodes]) if (n.__mhInternal) n.remove();
    if (!def) return;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '100%');
    svg.style.width = px;
    svg.style.height = px;
    svg.style.display = 'block';
    for (const d of def.paths) {
      const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
      p.setAttribute('d', d);
      p.setAttribute('fill', color);
      p.setAttribute('fill-rule', 'evenodd');
      svg.appendChild(p);
    }
    internal(svg);
    el.appendChild(svg);
  },
};

// ------------------------------------------------------------------ scroll-view
const scrollView = {
  create(el) {
    el.__sv = { lastTop: 0, lastLeft: 0, upper: true, lower: false };
    el.addEventListener('scroll', () => {
      const v = el.__mhv;
      const s = el.__sv;
      const vertical = on(v.attrs['scroll-y']);
      fire(el, 'scroll', {
        scrollLeft: el.scrollLeft, scrollTop: el.scrollTop, scrollHeight: el.scrollHeight, scrollWidth: el.scrollWidth,
        deltaX: el.scrollLeft - s.lastLeft, deltaY: el.scrollTop - s.lastTop,
      });
      s.lastLeft = el.scrollLeft;
      s.lastTop = el.scrollTop;
      const ut = num(v.attrs['upper-threshold'], 50);
      const lt = num(v.attrs['lower-threshold'], 50);
      const pos = vertical ? el.scrollTop : el.scrollLeft;
      const max = vertical ? el.scrollHeight - el.clientHeight : el.scrollWidth - el.clientWidth;
      const atUpper = pos <= ut;
      const atLower = pos >= max - lt;
      if (atUpper && !s.upper) fire(el, 'scrolltoupper', { direction: vertical ? 'top' : 'left' });
      if (atLower && !s.lower) fire(el, 'scrolltolower', { direction: vertical ? 'bottom' : 'right' });
      s.upper = atUpper;
      s.lower = atLower;
    }, { passive: true });
  },
  update(el, v, old) {
    const a = v.attrs;
    el.style.overflowX = on(a['scroll-x']) ? 'auto' : 'hidden';
    el.style.overflowY = on(a['scroll-y']) ? 'auto' : 'hidden';
    if (on(a['enable-flex'])) el.style.display = 'flex';
    const behavior = on(a['scroll-with-animation']) ? 'smooth' : 'auto';
    const apply = () => {
      if (changed(v, old, 'scroll-top') && a['scroll-top'] !== undefined && a['scroll-top'] !== '') {
        el.scrollTo({ top: pxValue(a['scroll-top']), behavior });
      }
      if (changed(v, old, 'scroll-left') && a['scroll-left'] !== undefined && a['scroll-left'] !== '') {
        el.scrollTo({ left: pxValue(a['scroll-left']), behavior });
      }
      if (changed(v, old, 'scroll-into-view') && a['scroll-into-view']) {
        const target = el.querySelector('#' + CSS.escape(String(a['scroll-into-view'])));
        if (target) {
          const r = target.getBoundingClientRect();
          const me = el.getBoundingClientRect();
          el.scrollTo({
            top: on(a['scroll-y']) ? el.scrollTop + r.top - me.top : el.scrollTop,
            left: on(a['scroll-x']) ? el.scrollLeft + r.left - me.left : el.scrollLeft,
            behavior,
          });
        }
      }
    };
    // after layout of the freshly patched children
    if (!old) requestAnimationFrame(apply);
    else apply();
  },
};

function pxValue(v) {
  const s = String(v);
  const m = /^(-?\d*\.?\d+)rpx$/.exec(s);
  if (m) return (Number(m[1]) * window.innerWidth) / 750;
  return parseFloat(s) || 0;
}

// ------------------------------------------------------------------ swiper
const swiper = {
  create(el) {
    const track = internal(document.createElement('div'));
    track.className = 'wx-swiper-track';
    const dots = internal(document.createElement('div'));
    dots.className = 'wx-swiper-dots';
    el.append(track, dots);
    el.__mhContent = track;
    const s = (el.__sw = { track, dots, current: 0, count: 0, timer: null, drag: null });
    el.addEventListener('pointerdown', (e) => {
      if (s.count < 2) return;
      s.drag = { x: e.clientX, y: e.clientY, t: Date.now(), dx: 0 };
      track.style.transitionDuration = '0ms';
      swiper.stopAuto(el);
    });
    el.addEventListener('pointermove', (e) => {
      if (!s.drag) return;
      const vertical = on(el.__mhv.attrs.vertical);
      s.drag.dx = vertical ? e.clientY - s.drag.y : e.clientX - s.drag.x;
      const size = vertical ? el.clientHeight : el.clientWidth;
      swiper.position(el, -s.current * size + s.drag.dx, true);
    });
    const end = () => {
      if (!s.drag) return;
      const d = s.drag;
      s.drag = null;
      const vertical = on(el.__mhv.attrs.vertical);
      const size = vertical ? el.clientHeight : el.clientWidth;
      const fast = Math.abs(d.dx) / Math.max(1, Date.now() - d.t) > 0.5;
      let next = s.current;
      if (Math.abs(d.dx) > size / 5 || (fast && Math.abs(d.dx) > 10)) next += d.dx < 0 ? 1 : -1;
      swiper.go(el, next, 'touch');
      swiper.startAuto(el);
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
    el.addEventListener('pointerleave', end);
    track.addEventListener('transitionend', (e) => {
      if (e.target !== track) return;
      fire(el, 'animationfinish', { current: s.current, currentItemId: swiper.itemId(el, s.current), source: s.lastSource || '' });
    });
  },
  itemId(el, i) {
    const items = el.__mhv.children.filter((c) => c.k !== 't');
    const it = items[i];
    return it && it.attrs['item-id'] ? String(it.attrs['item-id']) : '';
  },
  position(el, px, immediate) {
    const s = el.__sw;
    const vertical = on(el.__mhv.attrs.vertical);
    if (immediate) s.track.style.transitionDuration = '0ms';
    s.track.style.transform = vertical ? `translate3d(0, ${px}px, 0)` : `translate3d(${px}px, 0, 0)`;
  },
  go(el, next, source) {
    const s = el.__sw;
    const v = el.__mhv;
    if (s.count === 0) return;
    if (on(v.attrs.circular)) next = (next + s.count) % s.count;
    else next = Math.max(0, Math.min(s.count - 1, next));
    const vertical = on(v.attrs.vertical);
    const size = vertical ? el.clientHeight : el.clientWidth;
    s.track.style.transitionDuration = `${num(v.attrs.duration, 500)}ms`;
    swiper.position(el, -next * size, false);
    const prev = s.current;
    s.current = next;
    swiper.drawDots(el);
    if (next !== prev) {
      s.lastSource = source;
      fire(el, 'change', { current: next, currentItemId: swiper.itemId(el, next), source });
    }
  },
  drawDots(el) {
    const s = el.__sw;
    const v = el.__mhv;
    const show = on(v.attrs['indicator-dots']);
    s.dots.hidden = !show;
    if (!show) return;
    while (s.dots.children.length < s.count) s.dots.appendChild(document.createElement('span'));
    while (s.dots.children.length > s.count) s.dots.lastChild.remove();
    const color = v.attrs['indicator-color'] || 'rgba(0, 0, 0, .3)';
    const active = v.attrs['indicator-active-color'] || '#000000';
    [...s.dots.children].forEach((d, i) => {
      d.className = i === s.current ? 'wx-swiper-dot wx-swiper-dot-active' : 'wx-swiper-dot';
      d.style.backgroundColor = i === s.current ? active : color;
    });
    s.dots.classList.toggle('wx-swiper-dots-vertical', on(v.attrs.vertical));
  },
  startAuto(el) {
    const s = el.__sw;
    const v = el.__mhv;
    swiper.stopAuto(el);
    if (!on(v.attrs.autoplay) || s.count < 2) return;
    s.timer = setInterval(() => {
      if (!el.isConnected) return swiper.stopAuto(el);
      const c = el.__mhv;
      if (!on(c.attrs.circular) && s.current >= s.count - 1) swiper.go(el, 0, 'autoplay');
      else swiper.go(el, s.current + 1, 'autoplay');
    }, num(v.attrs.interval, 5000));
  },
  stopAuto(el) {
    const s = el.__sw;
    if (s.timer) clearInterval(s.timer);
    s.timer = null;
  },
  update(el, v, old) {
    const s = el.__sw;
    s.count = v.children.filter((c) => c.k !== 't').length;
    const vertical = on(v.attrs.vertical);
    el.toggleAttribute('vertical', vertical);
    if (changed(v, old, 'current') || !old) {
      const cur = Math.max(0, Math.min(s.count - 1, num(v.attrs.current, 0)));
      s.current = cur;
    }
    if (s.current >= s.count) s.current = Math.max(0, s.count - 1);
    const size = vertical ? el.clientHeight : el.clientWidth;
    // percentages keep the position right before the first layout and on resize
    s.track.style.transitionDuration = old ? `${num(v.attrs.duration, 500)}ms` : '0ms';
    s.track.style.transform = vertical ? `translate3d(0, ${-s.current * 100}%, 0)` : `translate3d(${-s.current * 100}%, 0, 0)`;
    void size;
    swiper.drawDots(el);
    if (!old || changed(v, old, 'autoplay') || changed(v, old, 'interval') || (old && old.children.length !== v.children.length)) swiper.startAuto(el);
  },
  destroy(el) {
    swiper.stopAuto(el);
  },
};

// ------------------------------------------------------------------ progress
const progress = {
  create(el) {
    const bar = internal(document.createElement('div'));
    bar.className = 'wx-progress-bar';
    const inner = document.createElement('div');
    inner.className = 'wx-progress-inner';
    bar.appendChild(inner);
    const info = internal(document.createElement('span'));
    info.className = 'wx-progress-info';
    el.append(bar, info);
    el.__pg = { bar, inner, info };
  },
  update(el, v) {
    const p = Math.max(0, Math.min(100, num(v.attrs.percent, 0)));
    const { bar, inner, info } = el.__pg;
    inner.style.width = p + '%';
    inner.style.backgroundColor = String(v.attrs.activeColor || v.attrs['active-color'] || v.attrs.color || '#09BB07');
    bar.style.backgroundColor = String(v.attrs.backgroundColor || v.attrs['background-color'] || '#EBEBEB');
    bar.style.height = `${num(v.attrs['stroke-width'], 6)}px`;
    info.textContent = on(v.attrs['show-info']) ? `${p}%` : '';
  },
};

export const BUILTINS = {
  text,
  image,
  button,
  input: field('input'),
  textarea: field('textarea'),
  navigator: navigator_,
  icon,
  'scroll-view': scrollView,
  swiper,
  form,
  switch: switch_,
  progress,
  checkbox,
  'checkbox-group': checkboxGroup,
  radio,
  'radio-group': radioGroup,
  label,
  slider,
  picker,
  'picker-view': pickerView,
  'picker-view-column': pickerViewColumn,
  'rich-text': richText,
  'movable-view': movableView,
  'cover-image': coverImage,
  editor,
  canvas,
  'page-container': pageContainer,
  'match-media': matchMedia_,
  'navigation-bar': navigationBar,
  'page-meta': pageMeta,
  'root-portal': rootPortal,
};
