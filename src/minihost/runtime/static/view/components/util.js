// Small helpers shared by the built-in component modules.
import { truthyAttr } from '../patch.js';

export const on = (v) => truthyAttr(v);
export function internal(el) {
  el.__mhInternal = true;
  return el;
}
export function changed(v, old, name) {
  return !old || old.attrs[name] !== v.attrs[name];
}
export function num(v, d) {
  const n = Number(v);
  return v === undefined || v === null || v === '' || Number.isNaN(n) ? d : n;
}
export function reflect(el, name, value) {
  if (value === undefined || value === null || value === false || value === 'false') {
    if (el.hasAttribute(name)) el.removeAttribute(name);
    return;
  }
  const s = value === true ? '' : String(value);
  if (el.getAttribute(name) !== s) el.setAttribute(name, s);
}
export function div(cls, tag = 'div') {
  const d = document.createElement(tag);
  if (cls) d.className = cls;
  return d;
}
// The nearest ancestor element (including el) that is the DOM of a vnode with this tag.
export function closestTag(el, tag) {
  for (let n = el; n; n = n.parentNode) if (n.__mhv && n.__mhv.dom === n && n.__mhv.tag === tag) return n;
  return null;
}
export function descendantsByTag(root, tag) {
  return [...root.querySelectorAll('wx-' + tag)].filter((n) => n.__mhv && n.__mhv.dom === n);
}
