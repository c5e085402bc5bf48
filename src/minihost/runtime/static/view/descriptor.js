// WXS event handlers (bindtap="{{m.handler}}") run in the view with (event, ownerInstance); both the
// event's `instance` and `ownerInstance` are ComponentDescriptors over view elements.
import { convertRpx, datasetOf, mapClasses, page } from './patch.js';

const states = new WeakMap();

function ownerOfEl(el) {
  const v = el.__mhv;
  return v ? (v.k === 'c' && v.dom === el && v.inst && el === v.inst.hostEl ? v.inst : v.owner) : null;
}

// `el` is a view element; `scope` the owner ctx whose template defines what selectComponent sees.
export function descriptor(el, scopeCtx) {
  if (!el) return null;
  if (el.__mhDesc) return el.__mhDesc;
  const styleOwner = () => {
    const v = el.__mhv;
    return v && v.k === 'c' && v.inst && v.inst.hostEl === el ? v.owner : v ? v.owner : scopeCtx;
  };
  const root = () => (scopeCtx ? (scopeCtx.kind === 'page' ? scopeCtx.rootEl : scopeCtx.hostEl) : el);
  const d = {
    selectComponent(sel) {
      return this.selectAllComponents(sel)[0] || null;
    },
    selectAllComponents(sel) {
      const ctx = scopeCtx || ownerOfEl(el);
      if (!ctx) return [];
      const scoped = ctx.prefix ? String(sel).replace(/\.([A-Za-z_-][\w-]*)/g, `.${ctx.prefix}--$1`) : String(sel);
      let list = [];
      try {
        list = [...root().querySelectorAll(scoped)];
      } catch {
        list = [];
      }
      return list.filter((n) => n.__mhv && n.__mhv.owner === ctx).map((n) => descriptor(n, n.__mhComp && n.__mhComp.hostEl === n ? n.__mhComp : null));
    },
    setStyle(style) {
      const text = typeof style === 'string' ? style : Object.entries(style || {}).map(([k, v]) => `${k.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase())}:${v}`).join(';');
      el.style.cssText = convertRpx(text);
      return d;
    },
    addClass(...names) {
      for (const c of mapClasses(names.join(' '), styleOwner()).split(' ').filter(Boolean)) el.classList.add(c);
      return d;
    },
    removeClass(...names) {
      for (const c of mapClasses(names.join(' '), styleOwner()).split(' ').filter(Boolean)) el.classList.remove(c);
      return d;
    },
    hasClass(name) {
      const cs = mapClasses(String(name), styleOwner()).split(' ').filter(Boolean);
      return cs.length > 0 && cs.every((c) => el.classList.contains(c));
    },
    getDataset() {
      return el.__mhv ? datasetOf(el.__mhv.attrs) : {};
    },
    getState() {
      if (!states.has(el)) states.set(el, {});
      return states.get(el);
    },
    // calls a method of the logic-layer instance that owns this template (or of this component)
    callMethod(name, args) {
      const ctx = scopeCtx || ownerOfEl(el);
      page.send({ t: 'event', owner: ctx ? ctx.id : 0, handler: String(name), event: args === undefined ? {} : JSON.parse(JSON.stringify(args)) });
    },
    triggerEvent(name, detail) {
      import('./events.js').then((m) => m.fire(el, String(name), detail === undefined ? {} : detail));
    },
    requestAnimationFrame(fn) {
      return requestAnimationFrame(fn);
    },
    getComputedStyle(props) {
      const cs = getComputedStyle(el);
      const out = {};
      for (const p of props || []) out[p] = cs.getPropertyValue(p.replace(/[A-Z]/g, (m) => '-' + m.toLowerCase()));
      return out;
    },
    getBoundingClientRect() {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    },
  };
  el.__mhDesc = d;
  return d;
}

// The ComponentDescriptor of the page or component that owns a template.
export function ownerDescriptor(ctx) {
  return descriptor(ctx.kind === 'page' ? ctx.rootEl : ctx.hostEl, ctx);
}
