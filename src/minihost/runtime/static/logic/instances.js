// App(), Page(), Component(), Behavior() and the instances they make.
import { send } from './bridge.js';
import { deepClone, getPath, jsonClone, parsePath, samePrimitive } from './data.js';
import { guard, state } from './state.js';
import { makeSelectorQuery } from './wx.js';

const PAGE_LIFECYCLE = new Set([
  'onLoad', 'onShow', 'onReady', 'onHide', 'onUnload', 'onPullDownRefresh', 'onReachBottom',
  'onPageScroll', 'onShareAppMessage', 'onShareTimeline', 'onTabItemTap', 'onResize', 'onAddToFavorites',
]);

// ---------------------------------------------------------------- registration

export function App(def = {}) {
  if (state.app) {
    console.warn('App() called more than once');
    return;
  }
  const app = {};
  for (const k of Object.keys(def)) app[k] = k === 'globalData' ? def[k] : typeof def[k] === 'function' ? def[k] : deepClone(def[k]);
  state.appDef = def;
  state.app = app;
}

export function getApp(opts) {
  return state.app || (opts && opts.allowDefault ? {} : undefined);
}

export function getCurrentPages() {
  return state.stack.map((id) => state.pages.get(id)).filter(Boolean).map((r) => r.inst);
}

function register(kind, def) {
  const path = state.defining;
  if (!path) {
    console.warn(`${kind}() called outside of a page or component module; ignored`);
    return;
  }
  state.defs.set(path, { kind, def: def || {} });
}

export function Page(def) {
  register('page', def);
}

export function Component(def) {
  register('component', def);
}

export function Behavior(def = {}) {
  return { __mhBehavior: true, def };
}

// Requires the module of a page or component and returns its registration.
export function loadDefinition(path) {
  if (!state.defs.has(path)) {
    const prev = state.defining;
    state.defining = path;
    try {
      state.modules.requirePath(path + '.js');
    } finally {
      state.defining = prev;
    }
  }
  const reg = state.defs.get(path);
  if (!reg) throw new Error(`${path}.js did not call Page() or Component()`);
  if (!reg.normal) reg.normal = normalizeComponent(reg.def, reg.kind);
  return reg;
}

// ---------------------------------------------------------------- component definitions

const TYPE_DEFAULT = new Map([
  [String, ''], [Number, 0], [Boolean, false], [Object, null], [Array, []], [null, null],
]);

function normalizeProp(spec) {
  if (spec === null || typeof spec === 'function') {
    return { type: spec, value: deepClone(TYPE_DEFAULT.get(spec) ?? null), optionalTypes: [] };
  }
  const type = spec.type === undefined ? null : spec.type;
  return {
    type,
    value: 'value' in spec ? deepClone(spec.value) : deepClone(TYPE_DEFAULT.get(type) ?? null),
    optionalTypes: spec.optionalTypes || [],
    observer: spec.observer,
  };
}

function typeOk(type, v) {
  if (type === null || type === undefined) return true;
  if (type === String) return typeof v === 'string';
  if (type === Number) return typeof v === 'number';
  if (type === Boolean) return typeof v === 'boolean';
  if (type === Array) return Array.isArray(v);
  if (type === Object) return v !== null && typeof v === 'object';
  return true;
}

function coerce(prop, v) {
  if (v === undefined) return deepClone(prop.value);
  if (typeOk(prop.type, v) || prop.optionalTypes.some((t) => typeOk(t, v))) return v;
  if (v === null) return deepClone(prop.value);
  if (prop.type === String) return typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (prop.type === Number) {
    const n = Number(v);
    return Number.isNaN(n) ? 0 : n;
  }
  if (prop.type === Boolean) return Boolean(v);
  return deepClone(prop.value);
}

function mergeData(into, from) {
  for (const k of Object.keys(from || {})) {
    const a = into[k];
    const b = from[k];
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) mergeData(a, b);
    else into[k] = deepClone(b);
  }
}

function normalizeComponent(def, kind) {
  const out = {
    kind,
    properties: {},
    data: {},
    methods: {},
    lifetimes: { created: [], attached: [], ready: [], moved: [], detached: [], error: [] },
    pageLifetimes: { show: [], hide: [], resize: [] },
    observers: [],
    externalClasses: [],
    relations: {},
    options: {},
    formField: false,
    componentExport: false,
    raw: def,
  };
  const seen = new Set();
  const apply = (d) => {
    for (const b of d.behaviors || []) {
      if (b && b.__mhBehavior && !seen.has(b)) {
        seen.add(b);
        apply(b.def);
      } else if (b === 'wx://form-field' || b === 'wx://form-field-group') {
        // takes part in <form> submit with its `name` and `value`
        out.formField = true;
        if (!out.properties.name) out.properties.name = normalizeProp(String);
        if (!out.properties.value) out.properties.value = normalizeProp(null);
      } else if (b === 'wx://component-export') {
        out.componentExport = true;
      }
    }
    for (const [name, spec] of Object.entries(d.properties || {})) out.properties[name] = normalizeProp(spec);
    mergeData(out.data, typeof d.data === 'function' ? d.data() : d.data);
    Object.assign(out.methods, d.methods || {});
    for (const lt of Object.keys(out.lifetimes)) {
      const fn = (d.lifetimes && d.lifetimes[lt]) || d[lt];
      if (typeof fn === 'function') out.lifetimes[lt].push(fn);
    }
    for (const lt of Object.keys(out.pageLifetimes)) {
      const fn = d.pageLifetimes && d.pageLifetimes[lt];
      if (typeof fn === 'function') out.pageLifetimes[lt].push(fn);
    }
    for (const [fields, fn] of Object.entries(d.observers || {})) {
      if (typeof fn !== 'function') continue;
      out.observers.push({ fields: fields.split(',').map((f) => f.trim()).filter(Boolean).map(parseObserverField), fn });
    }
    if (d.externalClasses) out.externalClasses.push(...d.externalClasses);
    if (typeof d.export === 'function') out.exportFn = d.export;
    for (const [path, rel] of Object.entries(d.relations || {})) if (rel && typeof rel === 'object') out.relations[path] = rel;
    Object.assign(out.options, d.options || {});
  };
  if (kind === 'page') {
    // Page({...}): every key is copied onto the instance; data is the page data.
    mergeData(out.data, def.data);
    for (const b of def.behaviors || []) if (b && b.__mhBehavior) apply(b.def);
    for (const [k, v] of Object.entries(def)) {
      if (k === 'data' || k === 'behaviors') continue;
      out.methods[k] = v;
    }
  } else {
    apply(def);
  }
  return out;
}

function parseObserverField(f) {
  if (f === '**') return { segs: [], deep: true };
  const deep = f.endsWith('.**');
  return { segs: parsePath(deep ? f.slice(0, -3) : f), deep };
}

function isPrefix(a, b) {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

function observerMatches(field, changed) {
  if (isPrefix(changed, field.segs)) return true;
  return field.deep && isPrefix(field.segs, changed);
}

// ---------------------------------------------------------------- instances

let nextCb = 1;
export const setDataCallbacks = new Map();

function applyData(inst, obj, fromParent) {
  const rec = inst.__mh;
  const patches = [];
  const changed = [];
  const propObservers = [];
  for (const key of Object.keys(obj)) {
    let segs;
    try {
      segs = parsePath(key);
    } catch (err) {
      state.reportError(err);
      continue;
    }
    if (!segs.length) continue;
    let v = obj[key];
    const prop = rec.def.kind === 'component' && segs.length === 1 ? rec.def.properties[segs[0]] : undefined;
    if (prop && fromParent) v = coerce(prop, v);
    const old = getPath(inst.data, segs);
    if (prop && fromParent && samePrimitive(old, v)) continue;
    setPathData(inst.data, segs, v);
    if (prop && typeof prop.observer !== 'undefined' && !samePrimitive(old, v)) propObservers.push([prop.observer, v, old, segs]);
    if (v === undefined) continue;
    changed.push(segs);
    if (isPure(rec.def, segs[0])) continue;
    patches.push([key, jsonClone(v)]);
  }
  return { patches, changed, propObservers };
}

// options.pureDataPattern: such fields are data of the logic layer only, never rendered
export function isPure(def, key) {
  const re = def.options && def.options.pureDataPattern;
  return re instanceof RegExp && typeof key === 'string' && re.test(key);
}

export function viewData(inst) {
  const data = JSON.parse(JSON.stringify(inst.data));
  for (const k of Object.keys(data)) if (isPure(inst.__mh.def, k)) delete data[k];
  return data;
}

function setPathData(data, segs, v) {
  let o = data;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    if (o[k] == null || typeof o[k] !== 'object') o[k] = typeof segs[i + 1] === 'number' ? [] : {};
    o = o[k];
  }
  o[segs[segs.length - 1]] = v;
}

function runObservers(inst, changed, propObservers) {
  const def = inst.__mh.def;
  for (const [obs, nv, ov, segs] of propObservers) {
    const fn = typeof obs === 'function' ? obs : def.methods[obs];
    guard(fn, inst, nv, ov, segs);
  }
  if (!changed.length) return;
  for (const ob of def.observers) {
    if (ob.fields.some((f) => changed.some((c) => observerMatches(f, c)))) {
      guard(ob.fn, inst, ...ob.fields.map((f) => getPath(inst.data, f.segs)));
    }
  }
}

export function doSetData(inst, obj, cb, fromParent = false) {
  if (!obj || typeof obj !== 'object') {
    console.error('setData expects an object');
    return;
  }
  const rec = inst.__mh;
  if (rec.dead) return;
  const { patches, changed, propObservers } = applyData(inst, obj, fromParent);
  if (rec.def.kind === 'component') runObservers(inst, changed, propObservers);
  let cbId = 0;
  if (typeof cb === 'function') {
    cbId = nextCb++;
    setDataCallbacks.set(cbId, { fn: cb, inst });
  }
  if (!rec.inited) {
    // Not yet shown: the init message carries the whole data; the callback fires after that render.
    if (cbId) rec.pendingCbs.push(cbId);
    return;
  }
  if (!patches.length && !cbId) return;
  send({ t: 'setData', pageId: rec.pageId, owner: rec.compId, patches, cb: cbId });
}

const baseProto = {
  setData(obj, cb) {
    doSetData(this, obj, cb);
  },
  createSelectorQuery() {
    return makeSelectorQuery().in(this);
  },
  selectComponent(sel) {
    return selectComponents(this, sel)[0] || null;
  },
  selectAllComponents(sel) {
    return selectComponents(this, sel);
  },
  getPageId() {
    return 'pageId:' + this.__mh.pageId;
  },
  getOpenerEventChannel() {
    return { emit() {}, on() {}, once() {}, off() {} };
  },
  createIntersectionObserver() {
    return { relativeTo() { return this; }, relativeToViewport() { return this; }, observe() {}, disconnect() {} };
  },
  getRelationNodes(path) {
    const links = this.__mh.links;
    if (!links) return [];
    const want = resolveRel(this.is || '', String(path));
    return [...(links.get(want) || [])].filter((c) => !c.__mh.dead);
  },
  hasBehavior(b) {
    const seen = (d) => (d.behaviors || []).some((x) => x === b || (x && x.__mhBehavior && seen(x.def)));
    return seen(this.__mh.def.raw);
  },
};

function selectComponents(inst, sel) {
  const rec = state.pages.get(inst.__mh.pageId);
  if (!rec) return [];
  const owner = inst.__mh.compId;
  const s = String(sel).trim();
  const out = [];
  for (const c of rec.comps.values()) {
    const m = c.__mh;
    if (m.ownerId !== owner || m.dead) continue;
    if (matchesSelector(m, s)) out.push(c);
  }
  // wx://component-export: what export() returns stands for the component
  return out.map((c) => {
    const def = c.__mh.def;
    const fn = def.exportFn || (typeof c.export === 'function' ? c.export : null);
    if (!def.componentExport || !fn) return c;
    const ret = guard(fn, c);
    return ret === undefined ? c : ret;
  });
}

// #id, .class, tag and their compounds (`.a.b`, `my-item.active`); a list with commas
function matchesSelector(m, sel) {
  return sel.split(',').map((x) => x.trim()).filter(Boolean).some((one) => {
    const parts = one.match(/[#.]?[^#.\s]+/g) || [];
    return parts.length > 0 && parts.every((p) => (p[0] === '#' ? m.hostId === p.slice(1) : p[0] === '.' ? m.hostClasses.includes(p.slice(1)) : m.tag === p));
  });
}

export function createPageInstance(rec, route, query) {
  const reg = loadDefinition(route);
  const def = reg.normal;
  const inst = Object.create(baseProto);
  inst.__mh = { def, pageId: rec.pageId, compId: 0, inited: false, pendingCbs: [], dead: false };
  inst.data = deepClone(def.data);
  if (def.kind === 'component') {
    for (const [name, p] of Object.entries(def.properties)) {
      inst.data[name] = name in query ? coerce(p, query[name]) : deepClone(p.value);
    }
    inst.properties = inst.data;
    inst.is = route;
  }
  for (const [k, v] of Object.entries(def.methods)) {
    inst[k] = typeof v === 'function' ? v : deepClone(v);
  }
  inst.route = route;
  inst.__route__ = route;
  inst.options = { ...query };
  if (def.kind === 'component') for (const fn of def.lifetimes.created) guard(fn, inst);
  return inst;
}

export function pageHook(inst, name, ...args) {
  // A Component() used as a page keeps its page hooks in methods (already copied) and pageLifetimes.
  const def = inst.__mh.def;
  let ret;
  if (typeof inst[name] === 'function') ret = guard(inst[name], inst, ...args);
  if (def.kind === 'component') {
    const lt = name === 'onShow' ? 'show' : name === 'onHide' ? 'hide' : name === 'onResize' ? 'resize' : null;
    if (lt) for (const fn of def.pageLifetimes[lt]) guard(fn, inst, ...args);
  }
  return ret;
}

export function componentLifetime(inst, name, ...args) {
  const def = inst.__mh.def;
  if (def.kind !== 'component') return;
  for (const fn of def.lifetimes[name]) guard(fn, inst, ...args);
}

export function createComponentInstance(pageRec, msg) {
  const reg = loadDefinition(msg.is);
  const def = reg.normal;
  const inst = Object.create(baseProto);
  inst.__mh = {
    def, pageId: pageRec.pageId, compId: msg.compId, ownerId: msg.owner || 0, inited: false,
    pendingCbs: [], dead: false, hostId: msg.id || '', hostClasses: splitClasses(msg.className), tag: msg.tag,
  };
  inst.is = msg.is;
  inst.id = msg.id || '';
  inst.dataset = msg.dataset || {};
  inst.data = deepClone(def.data);
  for (const [name, p] of Object.entries(def.properties)) {
    inst.data[name] = msg.props && name in msg.props ? coerce(p, msg.props[name]) : deepClone(p.value);
  }
  inst.properties = inst.data;
  for (const [k, v] of Object.entries(def.methods)) {
    if (typeof v === 'function') inst[k] = v;
  }
  inst.triggerEvent = function (name, detail, options = {}) {
    send({
      t: 'comp:trigger', pageId: pageRec.pageId, compId: msg.compId, name: String(name),
      detail: jsonClone(detail === undefined ? {} : detail),
      options: { bubbles: !!options.bubbles, composed: !!options.composed, capturePhase: !!options.capturePhase },
    });
  };
  for (const fn of def.lifetimes.created) guard(fn, inst);
  return inst;
}

export function splitClasses(s) {
  return String(s || '').split(/\s+/).filter(Boolean);
}

export function updateComponentProps(inst, msg) {
  const m = inst.__mh;
  if ('id' in msg) {
    m.hostId = msg.id || '';
    inst.id = m.hostId;
  }
  if ('className' in msg) m.hostClasses = splitClasses(msg.className);
  if (msg.dataset) inst.dataset = msg.dataset;
  const props = {};
  for (const [k, v] of Object.entries(msg.props || {})) if (k in m.def.properties) props[k] = v;
  if (Object.keys(props).length) doSetData(inst, props, undefined, true);
}

export { PAGE_LIFECYCLE };

// ---------------------------------------------------------------- relations

function resolveRel(from, p) {
  const base = p.startsWith('/') ? p : from.split('/').slice(0, -1).join('/') + '/' + p;
  const out = [];
  for (const seg of base.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

const RECIPROCAL = { parent: ['child'], ancestor: ['descendant', 'child'] };

function relationTo(inst, otherIs, types) {
  for (const [path, rel] of Object.entries(inst.__mh.def.relations)) {
    if (types.includes(rel.type) && resolveRel(inst.is, path) === otherIs) return [path, rel];
  }
  return null;
}

function addLink(inst, path, other) {
  const m = inst.__mh;
  if (!m.links) m.links = new Map();
  const key = resolveRel(inst.is, path);
  if (!m.links.has(key)) m.links.set(key, new Set());
  m.links.get(key).add(other);
  (m.linkedWith || (m.linkedWith = [])).push([other, path]);
}

// A component has just been placed under its enclosing components (ancestors: compIds, nearest first).
export function linkRelations(pageRec, inst, ancestors) {
  for (const [path, rel] of Object.entries(inst.__mh.def.relations)) {
    if (rel.type !== 'parent' && rel.type !== 'ancestor') continue;
    const want = resolveRel(inst.is, path);
    const list = rel.type === 'parent' ? ancestors.slice(0, 1) : ancestors;
    for (const id of list) {
      const other = pageRec.comps.get(id);
      if (!other || other.is !== want) continue;
      const back = relationTo(other, inst.is, rel.type === 'parent' ? ['child', 'descendant'] : RECIPROCAL.ancestor);
      if (!back) continue;
      addLink(inst, path, other);
      addLink(other, back[0], inst);
      if (typeof back[1].linked === 'function') guard(back[1].linked, other, inst);
      if (typeof rel.linked === 'function') guard(rel.linked, inst, other);
      break;
    }
  }
}

export function unlinkRelations(inst) {
  for (const [other, path] of inst.__mh.linkedWith || []) {
    const rel = inst.__mh.def.relations[path];
    const om = other.__mh;
    for (const [opath, orel] of Object.entries(om.def.relations)) {
      const set = om.links && om.links.get(resolveRel(other.is, opath));
      if (set && set.has(inst)) {
        set.delete(inst);
        if (typeof orel.unlinked === 'function') guard(orel.unlinked, other, inst);
      }
    }
    if (rel && typeof rel.unlinked === 'function') guard(rel.unlinked, inst, other);
  }
  inst.__mh.linkedWith = [];
}
