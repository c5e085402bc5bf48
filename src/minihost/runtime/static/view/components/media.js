// movable-area / movable-view, cover-view / cover-image, editor, canvas (legacy and type="2d").
import { fire } from '../events.js';
import { page } from '../patch.js';
import { sanitizeHtml } from './richtext.js';
import { changed, div, internal, num, on } from './util.js';

// ------------------------------------------------------------------ movable-view
export const movableView = {
  create(el) {
    const m = (el.__mv = { x: 0, y: 0, drag: null, anim: 0 });
    el.addEventListener('pointerdown', (e) => {
      const v = el.__mhv;
      const dir = v.attrs.direction || 'none';
      if (dir === 'none' || on(v.attrs.disabled) || e.button > 0) return;
      cancelAnimationFrame(m.anim);
      m.drag = { sx: e.clientX, sy: e.clientY, x0: m.x, y0: m.y, t: performance.now(), vx: 0, vy: 0, lx: e.clientX, ly: e.clientY };
      try {
        el.setPointerCapture(e.pointerId);
      } catch {
        // synthetic pointer
      }
      e.stopPropagation();
    });
    el.addEventListener('pointermove', (e) => {
      const d = m.drag;
      if (!d) return;
      const v = el.__mhv;
      const dir = v.attrs.direction;
      const now = performance.now();
      const dt = Math.max(1, now - d.t);
      d.vx = (e.clientX - d.lx) / dt;
      d.vy = (e.clientY - d.ly) / dt;
      d.t = now;
      d.lx = e.clientX;
      d.ly = e.clientY;
      let x = dir === 'vertical' ? m.x : d.x0 + e.clientX - d.sx;
      let y = dir === 'horizontal' ? m.y : d.y0 + e.clientY - d.sy;
      const b = movableView.bounds(el);
      let source = 'touch';
      if (!on(v.attrs['out-of-bounds'])) {
        x = Math.max(b.minX, Math.min(b.maxX, x));
        y = Math.max(b.minY, Math.min(b.maxY, y));
      } else if (x < b.minX || x > b.maxX || y < b.minY || y > b.maxY) source = 'touch-out-of-bounds';
      movableView.move(el, x, y, source);
    });
    const end = () => {
      const d = m.drag;
      if (!d) return;
      m.drag = null;
      const v = el.__mhv;
      const b = movableView.bounds(el);
      // a finger held still before lifting does not fling
      const idle = performance.now() - d.t > 60;
      if (on(v.attrs.inertia) && !idle && (Math.abs(d.vx) > 0.05 || Math.abs(d.vy) > 0.05)) {
        // velocity decays by `friction` (default 2); stops at the area's edges
        const friction = Math.max(0.1, num(v.attrs.friction, 2));
        let vx = v.attrs.direction === 'vertical' ? 0 : d.vx * 16;
        let vy = v.attrs.direction === 'horizontal' ? 0 : d.vy * 16;
        const step = () => {
          vx *= 1 - 0.05 * friction;
          vy *= 1 - 0.05 * friction;
          const x = Math.max(b.minX, Math.min(b.maxX, m.x + vx));
          const y = Math.max(b.minY, Math.min(b.maxY, m.y + vy));
          movableView.move(el, x, y, 'friction');
          if (Math.abs(vx) + Math.abs(vy) > 0.3) m.anim = requestAnimationFrame(step);
        };
        m.anim = requestAnimationFrame(step);
      } else if (m.x < b.minX || m.x > b.maxX || m.y < b.minY || m.y > b.maxY) {
        movableView.move(el, Math.max(b.minX, Math.min(b.maxX, m.x)), Math.max(b.minY, Math.min(b.maxY, m.y)), 'out-of-bounds');
      }
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
  },
  bounds(el) {
    const area = el.parentNode;
    const aw = area ? area.clientWidth : 0;
    const ah = area ? area.clientHeight : 0;
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    return { minX: Math.min(0, aw - w), maxX: Math.max(0, aw - w), minY: Math.min(0, ah - h), maxY: Math.max(0, ah - h) };
  },
  move(el, x, y, source) {
    const m = el.__mv;
    x = Math.round(x * 100) / 100;
    y = Math.round(y * 100) / 100;
    if (x === m.x && y === m.y) return;
    m.x = x;
    m.y = y;
    el.style.transform = `translate(${x}px, ${y}px)`;
    fire(el, 'change', { x, y, source });
  },
  update(el, v, old) {
    const m = el.__mv;
    if (changed(v, old, 'x') || changed(v, old, 'y')) {
      const apply = () => {
        const b = movableView.bounds(el);
        const x = Math.max(b.minX, Math.min(b.maxX, num(v.attrs.x, m.x)));
        const y = Math.max(b.minY, Math.min(b.maxY, num(v.attrs.y, m.y)));
        if (on(v.attrs.animation) && old) el.style.transition = 'transform .3s';
        else el.style.transition = '';
        movableView.move(el, x, y, '');
      };
      if (!old) requestAnimationFrame(apply);
      else apply();
    }
  },
};

// ------------------------------------------------------------------ cover-image
export const coverImage = {
  create(el) {
    const img = internal(document.createElement('img'));
    img.alt = '';
    el.appendChild(img);
    el.__ci = img;
    img.addEventListener('load', () => fire(el, 'load', { width: img.naturalWidth, height: img.naturalHeight }));
    img.addEventListener('error', () => fire(el, 'error', {}));
  },
  update(el, v, old) {
    if (changed(v, old, 'src')) el.__ci.src = v.attrs.src ? page.assetUrl(String(v.attrs.src), v.owner) : '';
  },
};

// ------------------------------------------------------------------ editor
function editorDetail(box) {
  const text = box.innerText.replace(/\n$/, '') + '\n';
  return { html: box.innerHTML, text, delta: { ops: [{ insert: text }] } };
}
export const editor = {
  create(el) {
    const box = internal(div('wx-editor-content'));
    box.contentEditable = 'true';
    box.spellcheck = false;
    el.appendChild(box);
    el.__ed = box;
    box.addEventListener('input', () => {
      el.classList.toggle('wx-editor-empty', !box.textContent);
      fire(el, 'input', editorDetail(box));
    });
    box.addEventListener('focus', () => fire(el, 'focus', editorDetail(box)));
    box.addEventListener('blur', () => fire(el, 'blur', editorDetail(box)));
    el.__mhCommand = (method, args) => editor.command(el, method, args || {});
    requestAnimationFrame(() => fire(el, 'ready', {}));
  },
  update(el, v) {
    const box = el.__ed;
    box.contentEditable = on(v.attrs['read-only']) ? 'false' : 'true';
    box.dataset.placeholder = v.attrs.placeholder === undefined ? '' : String(v.attrs.placeholder);
    el.classList.toggle('wx-editor-empty', !box.textContent);
  },
  // EditorContext methods, called from the logic layer through `viewCall`.
  command(el, method, a) {
    const box = el.__ed;
    const emit = () => {
      el.classList.toggle('wx-editor-empty', !box.textContent);
      fire(el, 'input', editorDetail(box));
    };
    switch (method) {
      case 'setContents':
        box.textContent = '';
        if (a.html !== undefined) box.appendChild(sanitizeHtml(String(a.html), el.__mhv.owner));
        else if (a.delta && Array.isArray(a.delta.ops)) box.textContent = a.delta.ops.map((o) => (typeof o.insert === 'string' ? o.insert : '')).join('');
        emit();
        return {};
      case 'getContents':
        return editorDetail(box);
      case 'clear':
        box.textContent = '';
        emit();
        return {};
      case 'insertText': {
        box.focus();
        const sel = getSelection();
        if (!sel.rangeCount || !box.contains(sel.anchorNode)) {
          const r = document.createRange();
          r.selectNodeContents(box);
          r.collapse(false);
          sel.removeAllRanges();
          sel.addRange(r);
        }
        const r = sel.getRangeAt(0);
        r.deleteContents();
        const t = document.createTextNode(String(a.text ?? ''));
        r.insertNode(t);
        r.setStartAfter(t);
        emit();
        return {};
      }
      case 'format': {
        const map = { bold: 'strong', italic: 'em', underline: 'u', strike: 's' };
        const tag = map[a.name];
        const sel = getSelection();
        if (tag && sel.rangeCount && box.contains(sel.anchorNode) && !sel.isCollapsed) {
          const r = sel.getRangeAt(0);
          const w = document.createElement(tag);
          w.appendChild(r.extractContents());
          r.insertNode(w);
          emit();
        }
        return {};
      }
      case 'blur':
        box.blur();
        return {};
      default:
        throw new Error(`EditorContext.${method} is not supported in Minihost yet`);
    }
  },
};

// ------------------------------------------------------------------ canvas
// Legacy canvases are drawn here from recorded calls (wx.createCanvasContext ... draw()). A type="2d"
// canvas is drawn in the worker on an OffscreenCanvas of its own; each frame it draws arrives here as
// an ImageBitmap (shown with a bitmaprenderer context). Handing the frame's canvas to the worker with
// transferControlToOffscreen would be simpler, but Chromium crashes the renderer when an OffscreenCanvas
// from a sandboxed (opaque-origin) frame is posted on to a worker.
let canvasKeys = 1;
export const canvasByKey = new Map();
export const canvas = {
  create(el) {
    const c = internal(document.createElement('canvas'));
    el.appendChild(c);
    el.__cv = { canvas: c, key: canvasKeys++, grads: new Map() };
    canvasByKey.set(el.__cv.key, el);
  },
  destroy(el) {
    canvasByKey.delete(el.__cv.key);
  },
  update(el) {
    const s = el.__cv;
    if (el.__mhv.attrs.type === '2d') return;
    const w = Math.round(el.clientWidth * devicePixelRatio);
    const h = Math.round(el.clientHeight * devicePixelRatio);
    if (w && h && (s.canvas.width !== w || s.canvas.height !== h)) {
      s.canvas.width = w;
      s.canvas.height = h;
    }
  },
  // selectorQuery fields({node: true}): what the worker needs to make the node
  node(el) {
    if (el.__mhv.attrs.type !== '2d') return null;
    return { __mhCanvas: el.__cv.key, width: el.clientWidth, height: el.clientHeight };
  },
  frame(key, bitmap) {
    const el = canvasByKey.get(key);
    if (!el || !bitmap) return;
    const s = el.__cv;
    if (!s.bitmap) s.bitmap = s.canvas.getContext('bitmaprenderer');
    if (s.bitmap) s.bitmap.transferFromImageBitmap(bitmap);
  },
  // Replays a legacy context's recorded calls: [[op, ...args]]
  draw(el, ops, reserve) {
    const s = el.__cv;
    canvas.update(el);
    const ctx = s.canvas.getContext('2d');
    if (!reserve) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, s.canvas.width, s.canvas.height);
      s.grads.clear();
    }
    ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    const style = (v) => (v && typeof v === 'object' && v.__grad ? s.grads.get(v.__grad) || '#000' : v);
    for (const op of Array.isArray(ops) ? ops : []) {
      const [name, ...a] = op;
      try {
        if (name === 'set') {
          const [prop, val] = a;
          if (prop === 'fillStyle' || prop === 'strokeStyle') ctx[prop] = style(val);
          else if (prop === 'fontSize') ctx.font = `${val}px sans-serif`;
          else if (prop === 'shadow') {
            [ctx.shadowOffsetX, ctx.shadowOffsetY, ctx.shadowBlur, ctx.shadowColor] = val;
          } else if (prop === 'lineDash') {
            ctx.setLineDash(val[0] || []);
            ctx.lineDashOffset = val[1] || 0;
          } else if (/^(globalAlpha|lineWidth|lineCap|lineJoin|miterLimit|font|textAlign|textBaseline|globalCompositeOperation|shadowBlur|shadowColor|shadowOffsetX|shadowOffsetY|lineDashOffset)$/.test(prop)) ctx[prop] = val;
        } else if (name === 'gradient') {
          const [id, kind, ...g] = a;
          s.grads.set(id, kind === 'circular' ? ctx.createRadialGradient(g[0], g[1], 0, g[0], g[1], g[2]) : ctx.createLinearGradient(...g));
        } else if (name === 'stop') {
          const g = s.grads.get(a[0]);
          if (g) g.addColorStop(a[1], a[2]);
        } else if (name === 'drawImage') {
          const [src, ...rest] = a;
          const img = new Image();
          img.src = page.assetUrl(String(src), el.__mhv.owner);
          const t = ctx.getTransform();
          img.onload = () => {
            ctx.save();
            ctx.setTransform(t);
            ctx.drawImage(img, ...rest);
            ctx.restore();
          };
        } else if (/^(fillRect|strokeRect|clearRect|beginPath|closePath|moveTo|lineTo|arc|arcTo|rect|quadraticCurveTo|bezierCurveTo|fill|stroke|clip|save|restore|translate|rotate|scale|setTransform|transform|fillText|strokeText|ellipse)$/.test(name)) {
          ctx[name](...a);
        }
      } catch (err) {
        console.warn('[minihost] canvas', name, err);
      }
    }
  },
};
