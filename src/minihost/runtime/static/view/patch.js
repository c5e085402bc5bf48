// Virtual nodes -> DOM, patching only what changed. Built-in components are `wx-<tag>` elements whose
// behaviour lives in builtins.js; a custom component is a host element (its tag, with data-host) whose
// children are rendered from the component's own template once the worker has created its instance.
import { BUILTINS } from './builtins.js';
import { renderOwner } from './render.js';

export const page = {
  send: null, // (msg) => void, set by frame.js
  comps: new Map(), // compId -> owner ctx
  nextCompId: 1,
  manifest: null,
  templates: {},
  wxsModulesFor: null,
  assetUrl: null,
  readyQueue: [],
};

const NS_TAG = /^[a-z][a-z0-9-]*$/;

function domTag(tag) {
  const t = String(tag).toLowerCase();
  if (!NS_TAG.test(t)) return 'wx-unknown';
  return t.startsWith('wx-') ? t : 'wx-' + t;
}

// ------------------------------------------------------------------ attributes

const RPX = /(-?\d*\.?\d+)rpx\b/g;
export function convertRpx(s) {
  return String(s).replace(RPX, (_, n) => `calc(${n} * var(--rpx))`);
}

export function mapClasses(value, owner) {
  const tokens = String(value ?? '').split(/\s+/).filter(Boolean);
  if (!tokens.length) return '';
  const out = [];
  for (const t of tokens) {
    if (owner.extClasses && owner.extClasses.has(t)) out.push(...owner.extClasses.get(t));
    else if (owner.prefix && !owner.addGlobalClass) out.push(`${owner.prefix}--${t}`);
    else if (owner.prefix) out.push(`${owner.prefix}--${t}`, t);
    else out.push(t);
  }
  return out.join(' ');
}

function truthyAttr(v) {
  return !(v === false || v === 'false' || v === undefined || v === null || v === 0 || v === '');
}

const COMMON = new Set(['id', 'class', 'style', 'hidden', 'slot']);

function applyCommon(el, name, value, owner) {
  switch (name) {
    case 'id':
      if (value === undefined || value === null || value === '') el.removeAttribute('id');
      else el.id = String(value);
      return;
    case 'class': {
      const c = mapClasses(value, owner);
      if (c) el.className = c;
      else el.removeAttribute('class');
      return;
    }
    case 'style':
      el.style.cssText = value ? convertRpx(typeof value === 'object' ? styleObj(value) : value) : '';
      return;
    case 'hidden':
      el.hidden = truthyAttr(value);
      return;
    default:
  }
}

function styleObj(o) {
  return Object.entries(o).map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase())}:${v}`).join(';');
}

function sameValue(a, b) {
  if (a === b) return true;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  }
  return false;
}

function applyAttrs(el, v, old) {
  const owner = v.owner;
  const prev = old ? old.attrs : {};
  for (const [name, value] of Object.entries(v.attrs)) {
    if (old && sameValue(prev[name], value) && old.owner === owner) continue;
    if (COMMON.has(name)) applyCommon(el, name, value, owner);
  }
  if (old) {
    for (const name of Object.keys(prev)) {
      if (!(name in v.attrs) && COMMON.has(name)) applyCommon(el, name, undefined, owner);
    }
  }
}

// ------------------------------------------------------------------ create / patch

export function createDom(v) {
  if (v.k === 't') {
    v.dom = document.createTextNode(v.v);
    return v.dom;
  }
  if (v.k === 'c') return createComponentHost(v);
  const el = document.createElement(domTag(v.tag));
  v.dom = el;
  el.__mhv = v;
  const b = BUILTINS[v.tag];
  if (b && b.create) b.create(el, v);
  applyAttrs(el, v, null);
  const content = el.__mhContent || el;
  for (const c of v.children) content.appendChild(createDom(c));
  if (b && b.update) b.update(el, v, null);
  return el;
}

function sameKind(a, b) {
  return a.k === b.k && a.tag === b.tag && a.key === b.key && a.branch === b.branch && a.is === b.is && a.owner === b.owner;
}

function patchNode(old, v) {
  v.dom = old.dom;
  if (v.k === 't') {
    if (old.v !== v.v) v.dom.data = v.v;
    return;
  }
  if (v.k === 'c') {
    patchComponentHost(old, v);
    return;
  }
  const el = v.dom;
  el.__mhv = v;
  applyAttrs(el, v, old);
  patchChildren(el.__mhContent || el, old.children, v.children);
  const b = BUILTINS[v.tag];
  if (b && b.update) b.update(el, v, old);
}

export function patchChildren(parent, oldCh, newCh) {
  const keyed = new Map();
  const unkeyed = [];
  for (const o of oldCh) {
    if (o.key != null) keyed.set(o.key + '\u0000' + o.tag, o);
    else unkeyed.push(o);
  }
  const used = new Set();
  let u = 0;
  for (const v of newCh) {
    let match = null;
    if (v.key != null) {
      const o = keyed.get(v.key + '\u0000' + v.tag);
      if (o && !used.has(o) && sameKind(o, v)) match = o;
    } else {
      // positional: the next unused unkeyed old node of the same kind
      for (let i = u; i < unkeyed.length; i++) {
        const o = unkeyed[i];
        if (!used.has(o) && sameKind(o, v)) {
          match = o;
          u = i + 1;
          break;
        }
      }
    }
    if (match) {
      used.add(match);
      patchNode(match, v);
    } else {
      createDom(v);
    }
  }
  for (const o of oldCh) {
    if (!used.has(o)) {
      destroy(o);
      if (o.dom && o.dom.parentNode === parent) parent.removeChild(o.dom);
    }
  }
  // Order the DOM like newCh, moving only nodes out of place.
  let next = firstManaged(parent);
  for (const v of newCh) {
    if (v.dom === next) {
      next = nextManaged(next);
    } else {
      parent.insertBefore(v.dom, next);
    }
  }
}

// Built-ins may keep their own internal nodes next to managed ones; those are marked __mhInternal.
function firstManaged(parent) {
  let n = parent.firstChild;
  while (n && n.__mhInternal) n = n.nextSibling;
  return n;
}
function nextManaged(n) {
  let m = n.nextSibling;
  while (m && m.__mhInternal) m = m.nextSibling;
  return m;
}

function destroy(v) {
  if (v.k === 't') return;
  if (v.k === 'c') {
    destroyComponent(v.inst);
    return;
  }
  const b = BUILTINS[v.tag];
  if (b && b.destroy) b.destroy(v.dom, v);
  for (const c of v.children) destroy(c);
}

// ------------------------------------------------------------------ custom components

const HOST_ONLY = new Set(['id', 'class', 'style', 'hidden', 'slot']);

function propsOf(v) {
  const out = {};
  for (const [k, val] of Object.entries(v.attrs)) {
    if (HOST_ONLY.has(k) || k.startsWith('data-') || k.startsWith('mark:') || k.startsWith('generic:')) continue;
    out[camel(k)] = val;
  }
  return out;
}

export function camel(s) {
  return s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

export function datasetOf(attrs) {
  const out = {};
  for (const [k, v] of Object.entries(attrs || {})) if (k.startsWith('data-')) out[camel(k.slice(5).toLowerCase())] = v;
  return out;
}

function groupSlots(children, multiple) {
  const slots = { '': [] };
  for (const c of children) {
    const name = multiple && c.k !== 't' && c.attrs && c.attrs.slot ? String(c.attrs.slot) : '';
    (slots[name] || (slots[name] = [])).push(c);
  }
  return slots;
}

function snapshot(o) {
  try {
    return JSON.parse(JSON.stringify(o));
  } catch {
    return { ...o };
  }
}

function createComponentHost(v) {
  const def = page.manifest.components[v.is];
  const tag = NS_TAG.test(v.tag) ? v.tag : 'wx-unknown';
  const el = document.createElement(tag);
  v.dom = el;
  el.__mhv = v;
  const id = page.nextCompId++;
  const ctx = {
    id,
    kind: 'comp',
    is: v.is,
    tpl: (def && page.templates[def.template]) || { root: [] },
    prefix: def ? def.stylePrefix : '',
    using: (def && def.usingComponents) || {},
    parent: v.owner,
    data: {},
    slots: groupSlots(v.children, false),
    extClasses: new Map(),
    hostVnode: v,
    hostEl: el,
    vroots: [],
    ready: false,
    multipleSlots: false,
    lastProps: snapshot(propsOf(v)),
    dir: v.is,
    generics: genericsOf(def, v),
  };
  ctx.wxsModules = page.wxsModulesFor ? page.wxsModulesFor(ctx.tpl) : {};
  v.inst = ctx;
  el.__mhComp = ctx;
  page.comps.set(id, ctx);
  if (def) el.setAttribute('data-host', def.stylePrefix);
  applyAttrs(el, v, null);
  page.send({
    t: 'comp:create', compId: id, is: v.is, tag: v.tag, owner: v.owner.id,
    props: ctx.lastProps, id: v.attrs.id ? String(v.attrs.id) : '', className: v.attrs.class ? String(v.attrs.class) : '',
    dataset: datasetOf(v.attrs),
  });
  return el;
}

// componentGenerics: <comp generic:name="tag-of-the-user"> or the declared default component
function genericsOf(def, v) {
  const decl = def && def.config && def.config.componentGenerics;
  if (!decl || typeof decl !== 'object') return null;
  const out = {};
  for (const [name, spec] of Object.entries(decl)) {
    const chosen = v.attrs['generic:' + name];
    const owner = v.owner;
    let path = null;
    if (chosen) {
      const tag = String(chosen);
      if (owner.using && Object.prototype.hasOwnProperty.call(owner.using, tag)) path = owner.using[tag];
      else if (owner.generics && Object.prototype.hasOwnProperty.call(owner.generics, tag)) path = owner.generics[tag];
    }
    if (!path && spec && typeof spec === 'object' && spec.default) path = spec.default;
    if (path) out[name] = path;
  }
  return out;
}

function patchComponentHost(old, v) {
  const el = v.dom;
  const ctx = old.inst;
  v.inst = ctx;
  el.__mhv = v;
  ctx.hostVnode = v;
  applyAttrs(el, v, old);
  const props = propsOf(v);
  const changed = {};
  let any = false;
  for (const [k, val] of Object.entries(props)) {
    if (!sameValue(ctx.lastProps[k], val)) {
      changed[k] = val;
      any = true;
    }
  }
  // a snapshot: the parent's data objects are patched in place, so a kept reference never looks changed
  ctx.lastProps = snapshot(props);
  const msg = { t: 'comp:props', compId: ctx.id, props: changed };
  if (!sameValue(old.attrs.id, v.attrs.id)) {
    msg.id = v.attrs.id ? String(v.attrs.id) : '';
    any = true;
  }
  if (!sameValue(old.attrs.class, v.attrs.class)) {
    msg.className = v.attrs.class ? String(v.attrs.class) : '';
    any = true;
  }
  if (any) page.send(msg);
  if (ctx.extSource) updateExternalClasses(ctx);
  ctx.slots = groupSlots(v.children, ctx.multipleSlots);
  if (ctx.ready) rerender(ctx);
}

function updateExternalClasses(ctx) {
  const v = ctx.hostVnode;
  ctx.extClasses = new Map();
  for (const name of ctx.extSource) {
    if (v.attrs[name] !== undefined) ctx.extClasses.set(name, mapClasses(v.attrs[name], v.owner).split(' ').filter(Boolean));
  }
}

export function componentInit(msg) {
  const ctx = page.comps.get(msg.compId);
  if (!ctx) return;
  ctx.data = msg.data || {};
  ctx.propNames = msg.props || [];
  const opts = msg.options || {};
  ctx.multipleSlots = !!opts.multipleSlots;
  ctx.addGlobalClass = !!opts.addGlobalClass || opts.styleIsolation === 'apply-shared' || opts.styleIsolation === 'shared';
  ctx.formField = !!opts.formField;
  ctx.extSource = msg.externalClasses && msg.externalClasses.length ? msg.externalClasses : null;
  if (ctx.extSource) updateExternalClasses(ctx);
  ctx.slots = groupSlots(ctx.hostVnode.children, ctx.multipleSlots);
  ctx.ready = true;
  rerender(ctx);
  page.readyQueue.push(ctx.id);
}

export function rerender(ctx) {
  const next = renderOwner(ctx);
  const parent = ctx.kind === 'page' ? ctx.rootEl : ctx.hostEl;
  patchChildren(parent, ctx.vroots, next);
  ctx.vroots = next;
}

function destroyComponent(ctx) {
  if (!ctx || ctx.dead) return;
  ctx.dead = true;
  const ids = [];
  const walk = (c) => {
    ids.push(c.id);
    c.dead = true;
    page.comps.delete(c.id);
    const visit = (vs) => {
      for (const v of vs) {
        if (v.k === 'c' && v.inst && v.inst !== c) walk(v.inst);
        else if (v.k === 'e') visit(v.children);
      }
    };
    visit(c.vroots);
  };
  walk(ctx);
  page.send({ t: 'comp:detach', compIds: ids });
}

export { sameValue, truthyAttr };
