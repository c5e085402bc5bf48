// rich-text: `nodes` as an HTML string or as a node array, rebuilt element by element from a whitelist.
// Nothing of the markup is ever parsed into the live document: no scripts, no on* handlers, no
// javascript: URLs, no iframes/forms/styles can come through.
import { convertRpx, mapClasses, page } from '../patch.js';
import { on } from './util.js';

const TAGS = new Set(('a abbr address article aside b bdi bdo big blockquote br caption center cite code col colgroup dd del div dl dt ' +
  'em fieldset font footer h1 h2 h3 h4 h5 h6 header hr i img ins label legend li mark nav ol p pre q rt ruby s section small span ' +
  'strong sub sup table tbody td tfoot th thead tr tt u ul').split(' '));
// dropped with everything inside
const DROP = new Set(['script', 'style', 'iframe', 'object', 'embed', 'template', 'noscript', 'frame', 'frameset', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math', 'video', 'audio', 'canvas']);
const ATTRS = new Set(['class', 'style', 'width', 'height', 'alt', 'src', 'colspan', 'rowspan', 'span', 'align', 'valign', 'dir', 'start', 'type', 'color', 'size', 'face', 'title', 'cite', 'datetime', 'border', 'cellpadding', 'cellspacing']);
const SAFE_URL = /^(https?:|data:image\/(png|gif|jpe?g|webp);|\/|\.{0,2}\/?[\w-])/i;

function cleanStyle(s) {
  const t = String(s);
  if (/expression\s*\(|javascript:|behavior\s*:|-moz-binding|@import|url\s*\(\s*['"]?\s*(?!https?:|data:image\/)/i.test(t)) return '';
  return t;
}

function fromHtml(html) {
  const doc = new DOMParser().parseFromString(`<body>${String(html)}</body>`, 'text/html');
  const walk = (n) => {
    if (n.nodeType === 3) return { type: 'text', text: n.data };
    if (n.nodeType !== 1) return null;
    const attrs = {};
    for (const a of n.attributes) attrs[a.name] = a.value;
    return { name: n.tagName.toLowerCase(), attrs, children: [...n.childNodes].map(walk).filter(Boolean) };
  };
  return [...doc.body.childNodes].map(walk).filter(Boolean);
}

function build(nodes, owner, out, depth, space) {
  if (!Array.isArray(nodes) || depth > 64) return;
  for (const n of nodes) {
    if (!n || typeof n !== 'object') continue;
    if (n.type === 'text') {
      let t = String(n.text ?? '');
      t = t.replace(/&(nbsp|lt|gt|amp|quot|apos);/g, (m, e) => ({ nbsp: '\u00a0', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]);
      if (space) t = t.replace(/ /g, space);
      out.appendChild(document.createTextNode(t));
      continue;
    }
    const name = String(n.name || '').toLowerCase();
    if (DROP.has(name)) continue;
    if (!TAGS.has(name)) {
      build(n.children, owner, out, depth + 1, space);
      continue;
    }
    const el = document.createElement(name);
    const attrs = n.attrs && typeof n.attrs === 'object' ? n.attrs : {};
    for (const [k0, val] of Object.entries(attrs)) {
      const k = k0.toLowerCase();
      if (!ATTRS.has(k) || val === undefined || val === null) continue;
      if (k === 'class') el.className = mapClasses(val, owner);
      else if (k === 'style') el.style.cssText = convertRpx(cleanStyle(val));
      else if (k === 'src') {
        const src = String(val).trim();
        if (name === 'img' && SAFE_URL.test(src) && !/^javascript:/i.test(src)) el.src = page.assetUrl ? page.assetUrl(src, owner) : src;
      } else el.setAttribute(k, String(val));
    }
    build(n.children, owner, el, depth + 1, space);
    out.appendChild(el);
  }
}

export const richText = {
  update(el, v, old) {
    const a = v.attrs;
    if (old && old.attrs.nodes === a.nodes && old.attrs.space === a.space && old.owner === v.owner) return;
    for (const n of [...el.childNodes]) if (n.__mhInternal) n.remove();
    const box = document.createElement('span');
    box.__mhInternal = true;
    box.className = 'wx-rich-text-root';
    const space = a.space === 'ensp' ? '\u2002' : a.space === 'emsp' ? '\u2003' : a.space === 'nbsp' ? '\u00a0' : '';
    const nodes = typeof a.nodes === 'string' ? fromHtml(a.nodes) : Array.isArray(a.nodes) ? a.nodes : [];
    build(nodes, v.owner, box, 0, space);
    el.appendChild(box);
    el.toggleAttribute('selectable', on(a['user-select']));
  },
};

// The same whitelist for HTML that is not a rich-text's nodes (editor setContents).
export function sanitizeHtml(html, owner) {
  const f = document.createDocumentFragment();
  build(fromHtml(html), owner, f, 0, '');
  return f;
}
