// Template AST (BUNDLE_FORMAT.md) + data -> virtual nodes. One owner (the page, or one custom
// component instance) renders its own template; slot content is rendered by the owner that wrote it.
//
// vnodes:  {k:'t', v}                                    text
//          {k:'e', tag, key, attrs, events, children, owner}  built-in / plain element
//          {k:'c', tag, is, key, attrs, events, children, owner, slotName}  custom component host
import { callable, evaluate, toText } from './expr.js';

let astIds = 0;
function astId(node) {
  if (!node.__id) node.__id = ++astIds;
  return node.__id;
}

export function renderOwner(ctx) {
  const scope = { vars: ctx.data, parent: { vars: ctx.wxsModules || {}, parent: null } };
  const out = [];
  renderList(ctx.tpl.root || [], scope, ctx, out, ctx.tpl.templates || {}, 0);
  return out;
}

function renderList(nodes, scope, ctx, out, templates, depth) {
  for (const n of nodes) renderNode(n, scope, ctx, out, templates, depth);
}

function renderNode(n, scope, ctx, out, templates, depth) {
  switch (n.t) {
    case 'text': {
      const v = toText(evaluate(n.v, scope));
      if (v !== '') out.push({ k: 't', v });
      return;
    }
    case 'if':
      for (const b of n.branches) {
        if (b.cond === null || b.cond === undefined || evaluate(b.cond, scope)) {
          const start = out.length;
          renderList(b.body, scope, ctx, out, templates, depth);
          // Tag nodes with their branch so an if/else switch never reuses the other branch's nodes.
          const tag = astId(b);
          for (let i = start; i < out.length; i++) if (out[i].key == null) out[i].branch = tag;
          return;
        }
      }
      return;
    case 'block':
      renderList(n.children || [], scope, ctx, out, templates, depth);
      return;
    case 'for':
      renderFor(n, scope, ctx, out, templates, depth);
      return;
    case 'template': {
      if (depth > 32) return;
      const name = toText(evaluate(n.is, scope));
      const body = templates[name];
      if (!body) {
        console.warn(`[minihost] template "${name}" not found`);
        return;
      }
      const data = n.data ? evaluate(n.data, scope) : {};
      // A template sees only the data passed to it (and the file's WXS modules).
      const tscope = { vars: data && typeof data === 'object' ? data : {}, parent: { vars: ctx.wxsModules || {}, parent: null } };
      renderList(body, tscope, ctx, out, templates, depth + 1);
      return;
    }
    case 'el':
      renderElement(n, scope, ctx, out, templates, depth);
      return;
    default:
  }
}

function iterate(items, fn) {
  if (Array.isArray(items)) items.forEach((v, i) => fn(v, i));
  else if (typeof items === 'number') for (let i = 0; i < items; i++) fn(i, i);
  else if (typeof items === 'string') [...items].forEach((v, i) => fn(v, i));
  else if (items && typeof items === 'object') for (const k of Object.keys(items)) fn(items[k], k);
}

function renderFor(n, scope, ctx, out, templates, depth) {
  const items = evaluate(n.items, scope);
  const id = astId(n);
  const seen = new Set();
  iterate(items, (item, index) => {
    const vars = { [n.item || 'item']: item, [n.index || 'index']: index };
    const s = { vars, parent: scope };
    const start = out.length;
    renderList(n.body, s, ctx, out, templates, depth);
    let k = null;
    if (n.key === '*this') k = typeof item === 'object' ? JSON.stringify(item) : String(item);
    else if (n.key) {
      const v = item && typeof item === 'object' && Object.prototype.hasOwnProperty.call(item, n.key) ? item[n.key] : undefined;
      k = v === undefined ? null : String(v);
    }
    if (k !== null) {
      if (seen.has(k)) {
        console.warn(`[minihost] wx:key "${n.key}" has a duplicate value "${k}"`);
        k = null;
      } else seen.add(k);
    }
    for (let i = start, j = 0; i < out.length; i++, j++) {
      const v = out[i];
      v.key = k === null ? (v.key == null ? null : `${id}:?${index}:${v.key}`) : `${id}:${k}:${j}:${v.key ?? ''}`;
    }
  });
}

function renderElement(n, scope, ctx, out, templates, depth) {
  const tag = n.tag;
  const attrs = {};
  let model = null;
  for (const [name, e] of Object.entries(n.attrs || {})) {
    if (name.startsWith('model:')) {
      // two-way binding: the value as usual, and the data path the view writes back to
      const prop = name.slice(6);
      attrs[prop] = evaluate(e, scope);
      const p = modelPath(e, scope);
      if (p) (model || (model = {}))[prop] = p;
    } else attrs[name] = evaluate(e, scope);
  }
  const events = [];
  for (const ev of n.events || []) {
    const h = evaluate(ev.handler, scope);
    // a WXS function (bindtap="{{wxs.fn}}") runs in the view; anything else names a method
    if (typeof h === 'function') events.push({ type: ev.type, mode: ev.mode, handler: h, wxs: true });
    else if (h) events.push({ type: ev.type, mode: ev.mode, handler: String(h) });
  }
  if (tag === 'slot' && ctx.kind === 'comp') {
    const name = attrs.name ? String(attrs.name) : '';
    for (const v of ctx.slots[name] || []) out.push(v);
    return;
  }
  if (tag === 'block') {
    renderList(n.children || [], scope, ctx, out, templates, depth);
    return;
  }
  if (tag === 'wxs' || tag === 'import' || tag === 'include' || tag === 'template') return;
  const children = [];
  renderList(n.children || [], scope, ctx, children, templates, depth);
  const compPath = ctx.using && Object.prototype.hasOwnProperty.call(ctx.using, tag) ? ctx.using[tag] : null;
  const generic = !compPath && ctx.generics && Object.prototype.hasOwnProperty.call(ctx.generics, tag) ? ctx.generics[tag] : null;
  const is = compPath || generic;
  const v = { k: is ? 'c' : 'e', tag, key: null, attrs, events, children, owner: ctx, ast: astId(n) };
  if (is) v.is = is;
  if (model) v.model = model;
  out.push(v);
}

// 'a.b[0]' for {{a.b[0]}}; only plain data paths (not for-items or WXS values) can be written back.
function modelPath(e, scope) {
  if (!e) return null;
  if (e.k === 'id') return scope && scopeOwnsData(scope, e.n) ? e.n : null;
  if (e.k === 'mem') {
    const base = modelPath(e.o, scope);
    if (!base) return null;
    const key = evaluate(e.p, scope);
    if (typeof key === 'number') return `${base}[${key}]`;
    if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) return `${base}.${key}`;
  }
  return null;
}
function scopeOwnsData(scope, name) {
  let s = scope;
  while (s.parent && s.parent.parent) {
    if (s.vars && Object.prototype.hasOwnProperty.call(s.vars, name)) return false;
    s = s.parent;
  }
  return true;
}

export { callable };
