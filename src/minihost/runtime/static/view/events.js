// WeChat event semantics on top of DOM events: tap / longpress / touch*, bind / catch / mut-bind /
// capture-bind / capture-catch, dataset, mark, target/currentTarget retargeting across components.
import { descriptor, ownerDescriptor } from './descriptor.js';
import { camel, datasetOf, page } from './patch.js';

const BUBBLING = new Set(['tap', 'longpress', 'longtap', 'touchstart', 'touchmove', 'touchend', 'touchcancel', 'touchforcechange', 'transitionend', 'animationstart', 'animationiteration', 'animationend']);
let seq = 1;
export const returnWaiters = new Map();

function vnodePath(el) {
  const path = [];
  for (let n = el; n; n = n.parentNode) {
    const v = n.__mhv;
    if (v && (v.k === 'e' || v.k === 'c') && v.dom === n) path.push(v);
  }
  return path;
}

function nodeInfo(v) {
  const el = v.dom;
  return {
    id: v.attrs.id ? String(v.attrs.id) : '',
    dataset: datasetOf(v.attrs),
    offsetLeft: el ? el.offsetLeft : 0,
    offsetTop: el ? el.offsetTop : 0,
  };
}

function markOf(path) {
  const mark = {};
  for (let i = path.length - 1; i >= 0; i--) {
    for (const [k, val] of Object.entries(path[i].attrs)) if (k.startsWith('mark:')) mark[camel(k.slice(5))] = val;
  }
  return mark;
}

// Dispatches a WeChat event starting at element `el`. Returns true if a handler was called.
// opts: {bubbles, composed, touches, changedTouches, wantReturn: (value) => void}
export function fire(el, type, detail, opts = {}) {
  let path = vnodePath(el);
  if (!path.length) return false;
  const bubbles = opts.bubbles ?? BUBBLING.has(type);
  const composed = opts.composed ?? BUBBLING.has(type);
  if (!bubbles) path = [path[0]];
  else if (!composed) path = path.filter((v) => v.owner === path[0].owner);
  const origin = path[0];
  const mark = markOf(path);
  const calls = [];
  // capture phase: root first
  let stopped = false;
  for (let i = path.length - 1; i >= 0 && !stopped; i--) {
    for (const h of path[i].events) {
      if (h.type !== type || (h.mode !== 'capture-bind' && h.mode !== 'capture-catch')) continue;
      calls.push([path[i], h]);
      if (h.mode === 'capture-catch') stopped = true;
    }
  }
  let mutDone = false;
  for (let i = 0; i < path.length && !stopped; i++) {
    for (const h of path[i].events) {
      if (h.type !== type) continue;
      if (h.mode === 'bind') calls.push([path[i], h]);
      else if (h.mode === 'catch') {
        calls.push([path[i], h]);
        stopped = true;
      } else if (h.mode === 'mut-bind' && !mutDone) {
        calls.push([path[i], h]);
        mutDone = true;
      }
    }
  }
  // model:value and friends: the owner's data follows the user's input before any handler runs
  if (origin.model && detail && typeof detail === 'object' && (type === 'input' || type === 'change')) {
    for (const [prop, p] of Object.entries(origin.model)) {
      if (prop === 'value' && 'value' in detail) page.send({ t: 'model', owner: origin.owner.id, path: p, value: JSON.parse(JSON.stringify(detail.value ?? null)) });
      else if (prop === 'checked' && 'value' in detail) page.send({ t: 'model', owner: origin.owner.id, path: p, value: !!detail.value });
    }
  }
  for (const [node, h] of calls) {
    // target, seen from the handler's owner: the first node on the path owned by the same owner
    const target = path.find((v) => v.owner === node.owner) || origin;
    const event = {
      type,
      timeStamp: Math.round(performance.now()),
      target: nodeInfo(target),
      currentTarget: nodeInfo(node),
      detail: detail === undefined ? {} : detail,
      mark,
      mut: false,
    };
    if (opts.touches) {
      event.touches = opts.touches;
      event.changedTouches = opts.changedTouches || opts.touches;
    }
    if (h.wxs) {
      // WXS handler: runs here; returning false stops the event as catch would
      const ev = JSON.parse(JSON.stringify(event));
      ev.instance = descriptor(node.dom);
      let ret;
      try {
        ret = h.handler(ev, ownerDescriptor(node.owner));
      } catch (err) {
        console.error('[minihost] WXS event handler failed', err);
      }
      if (ret === false) break;
      continue;
    }
    const msg = { t: 'event', owner: node.owner.id, handler: h.handler, event: JSON.parse(JSON.stringify(event)) };
    if (opts.wantReturn) {
      msg.seq = seq++;
      returnWaiters.set(msg.seq, opts.wantReturn);
    }
    page.send(msg);
  }
  return calls.length > 0;
}

export function eventReturn(msg) {
  const fn = returnWaiters.get(msg.seq);
  returnWaiters.delete(msg.seq);
  if (fn) fn(msg.value);
}

export function hasHandler(el, types) {
  for (const v of vnodePath(el)) for (const h of v.events) if (types.includes(h.type)) return true;
  return false;
}

// A custom event triggered by a component instance in the worker, dispatched on its host element.
export function triggerFromComponent(ctx, name, detail, options) {
  if (!ctx || !ctx.hostEl) return;
  fire(ctx.hostEl, name, detail, { bubbles: !!options.bubbles, composed: !!options.composed });
}

// ------------------------------------------------------------------ pointer -> touch/tap/longpress

function touchOf(e) {
  return { identifier: e.pointerId || 0, pageX: e.pageX, pageY: e.pageY, clientX: e.clientX, clientY: e.clientY, force: e.pressure || 1 };
}

let down = null;
const hovering = new Set();

function hoverTargets(el) {
  const out = [];
  for (const v of vnodePath(el)) {
    let hc = v.attrs['hover-class'];
    if (hc === undefined) hc = v.tag === 'button' ? 'button-hover' : v.tag === 'navigator' ? 'navigator-hover' : 'none';
    if (v.tag === 'button' && (v.attrs.disabled === true || v.attrs.disabled === 'true')) continue;
    if (hc && hc !== 'none') {
      out.push([v.dom, String(hc).split(/\s+/).filter(Boolean)]);
      if (v.attrs['hover-stop-propagation']) break;
    }
  }
  return out;
}

function onDown(e) {
  if (e.button > 0) return;
  const el = e.target;
  const t = touchOf(e);
  down = { el, x: e.clientX, y: e.clientY, moved: false, long: false, touch: t };
  fire(el, 'touchstart', undefined, { touches: [t], changedTouches: [t] });
  const d = down;
  d.timer = setTimeout(() => {
    if (down !== d || d.moved) return;
    d.long = fire(el, 'longpress', { x: d.touch.pageX, y: d.touch.pageY }, { touches: [d.touch], changedTouches: [d.touch] });
    fire(el, 'longtap', { x: d.touch.pageX, y: d.touch.pageY }, { touches: [d.touch], changedTouches: [d.touch] });
  }, 350);
  const targets = hoverTargets(el);
  d.hoverTimer = setTimeout(() => {
    for (const [node, cls] of targets) {
      node.classList.add(...cls);
      hovering.add([node, cls]);
    }
  }, 20);
}

function endHover() {
  const list = [...hovering];
  hovering.clear();
  setTimeout(() => {
    for (const [node, cls] of list) node.classList.remove(...cls);
  }, 70);
}

function onMove(e) {
  if (!down) return;
  if (Math.abs(e.clientX - down.x) > 10 || Math.abs(e.clientY - down.y) > 10) {
    if (!down.moved) {
      down.moved = true;
      clearTimeout(down.hoverTimer);
      endHover();
    }
  }
  const t = touchOf(e);
  fire(down.el, 'touchmove', undefined, { touches: [t], changedTouches: [t] });
}

function onUp(e) {
  if (!down) return;
  const d = down;
  down = null;
  clearTimeout(d.timer);
  clearTimeout(d.hoverTimer);
  endHover();
  const t = touchOf(e);
  fire(d.el, 'touchend', undefined, { touches: [], changedTouches: [t] });
  if (!d.moved && !d.long) tap(d.el, t);
}

function onCancel(e) {
  if (!down) return;
  const d = down;
  down = null;
  clearTimeout(d.timer);
  endHover();
  const t = touchOf(e);
  fire(d.el, 'touchcancel', undefined, { touches: [], changedTouches: [t] });
}

// tap handlers first, then the default action of built-ins on the path (navigator, button form-type...)
export function tap(el, t) {
  fire(el, 'tap', { x: t.pageX, y: t.pageY }, { touches: [t], changedTouches: [t] });
  for (let n = el; n; n = n.parentNode) {
    const v = n.__mhv;
    if (v && v.dom === n && n.__mhTap) {
      n.__mhTap(v);
      break;
    }
  }
}

export function installPointer() {
  document.addEventListener('pointerdown', onDown, true);
  document.addEventListener('pointermove', onMove, true);
  document.addEventListener('pointerup', onUp, true);
  document.addEventListener('pointercancel', onCancel, true);
  // Keyboard activation of focusable built-ins (Enter / Space on a button) also taps.
  document.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ' ') && e.target.tagName === 'WX-BUTTON') {
      const r = e.target.getBoundingClientRect();
      tap(e.target, { identifier: 0, pageX: r.left, pageY: r.top, clientX: r.left, clientY: r.top, force: 1 });
    }
  });
}
