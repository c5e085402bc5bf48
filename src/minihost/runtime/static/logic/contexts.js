// Contexts of view elements used from the logic layer: the type="2d" canvas node (an OffscreenCanvas
// of the worker whose frames are shown by the page), the legacy wx.createCanvasContext (calls recorded, sent on draw())
// and EditorContext (methods run by the frame).
import { callHost } from './bridge.js';
import { state } from './state.js';

const canvasNodes = new Map(); // `${pageId}:${key}` -> node

function callback(opts, promise) {
  promise.then(
    (res) => {
      if (opts && typeof opts.success === 'function') opts.success(res);
      if (opts && typeof opts.complete === 'function') opts.complete(res);
    },
    (res) => {
      if (opts && typeof opts.fail === 'function') opts.fail(res);
      if (opts && typeof opts.complete === 'function') opts.complete(res);
    },
  );
  return promise;
}

// A type="2d" canvas node: an OffscreenCanvas of the worker; after each task that drew on it, a copy
// (ImageBitmap) goes to the page's frame, which shows it.
function canvasNode(pageId, r) {
  const id = `${pageId}:${r.__mhCanvas}`;
  if (canvasNodes.has(id)) return canvasNodes.get(id);
  const c = new OffscreenCanvas(Math.max(1, r.width | 0), Math.max(1, r.height | 0));
  let dirty = false;
  let scheduled = false;
  const present = () => {
    scheduled = false;
    if (!dirty) return;
    dirty = false;
    createImageBitmap(c).then(
      (bitmap) => self.postMessage({ t: 'canvas:frame', pageId, key: r.__mhCanvas, bitmap }, [bitmap]),
      () => {},
    );
  };
  const mark = () => {
    dirty = true;
    if (!scheduled) {
      scheduled = true;
      setTimeout(present, 0);
    }
  };
  const proto = Object.getPrototypeOf(c);
  for (const dim of ['width', 'height']) {
    const d = Object.getOwnPropertyDescriptor(proto, dim);
    Object.defineProperty(c, dim, {
      get: () => d.get.call(c),
      set: (v) => {
        d.set.call(c, v);
        mark();
      },
    });
  }
  const contexts = new Map();
  const getContext = proto.getContext;
  c.getContext = (type, opts) => {
    if (contexts.has(type)) return contexts.get(type);
    const real = getContext.call(c, type, opts);
    if (!real) return real;
    const wrapped = new Proxy(real, {
      get(t, p) {
        const v = Reflect.get(t, p, t);
        if (typeof v !== 'function') return v;
        return (...a) => {
          mark();
          return v.apply(t, a);
        };
      },
      set(t, p, v) {
        t[p] = v;
        mark();
        return true;
      },
    });
    contexts.set(type, wrapped);
    return wrapped;
  };
  // WeChat's Canvas node: the drawing surface plus a few helpers
  c.requestAnimationFrame = (fn) => setTimeout(() => fn(performance.now()), 16);
  c.cancelAnimationFrame = (h) => clearTimeout(h);
  c.createImageData = (...a) => (a.length === 1 ? new ImageData(a[0].width, a[0].height) : new ImageData(...a));
  c.createPath2D = (p) => new Path2D(p);
  c.createImage = () => {
    const img = { src: '', width: 0, height: 0, onload: null, onerror: null };
    Promise.resolve().then(() => img.onerror && img.onerror({ errMsg: 'createImage: images are not supported in Minihost yet' }));
    return img;
  };
  canvasNodes.set(id, c);
  return c;
}

function editorContext(pageId, owner, key) {
  const call = (method) => (opts = {}) => {
    const args = {};
    for (const k of Object.keys(opts || {})) if (typeof opts[k] !== 'function') args[k] = opts[k];
    const p = callHost('viewCall', { pageId, owner, key, method, args: [args] }).then((res) => ({ errMsg: `${method}:ok`, ...res }));
    return callback(opts, p);
  };
  const ctx = {};
  for (const m of ['setContents', 'getContents', 'clear', 'insertText', 'format', 'blur', 'insertImage', 'insertDivider', 'removeFormat', 'undo', 'redo', 'scrollIntoView', 'getSelectionText']) ctx[m] = call(m);
  return ctx;
}

// Rewrites a selector query's results: canvas nodes and contexts become live objects.
export function liveResults(pageId, owner, results) {
  const fix = (r) => {
    if (!r || typeof r !== 'object') return r;
    if (r.node && r.node.__mhCanvas) r.node = canvasNode(pageId, r.node);
    if (r.context && r.context.__mhContext) {
      const c = r.context;
      r.context = c.__mhContext === 'editor' ? editorContext(pageId, owner, c.key) : c.__mhContext === 'canvas' ? createCanvasContext(String(c.canvasId), null, pageId, owner) : {};
    }
    return r;
  };
  return results.map((r) => (Array.isArray(r) ? r.map(fix) : fix(r)));
}

// ------------------------------------------------------------------ legacy canvas context
const PROPS = ['fillStyle', 'strokeStyle', 'lineWidth', 'lineCap', 'lineJoin', 'miterLimit', 'font', 'textAlign', 'textBaseline', 'globalAlpha', 'globalCompositeOperation', 'shadowBlur', 'shadowColor', 'shadowOffsetX', 'shadowOffsetY', 'lineDashOffset'];
const CALLS = ['fillRect', 'strokeRect', 'clearRect', 'beginPath', 'closePath', 'moveTo', 'lineTo', 'arc', 'arcTo', 'rect', 'quadraticCurveTo', 'bezierCurveTo', 'fill', 'stroke', 'clip', 'save', 'restore', 'translate', 'rotate', 'scale', 'setTransform', 'transform', 'fillText', 'strokeText', 'ellipse'];
let gradIds = 1;

export function createCanvasContext(canvasId, component, pageId, owner) {
  if (pageId === undefined) {
    const inst = component || state.currentPage();
    pageId = inst && inst.__mh ? inst.__mh.pageId : 0;
    owner = inst && inst.__mh ? inst.__mh.compId : 0;
  }
  let ops = [];
  const values = { fontSize: 10, font: '10px sans-serif' };
  const ctx = {};
  for (const name of CALLS) ctx[name] = (...a) => void ops.push([name, ...a]);
  for (const prop of PROPS) {
    Object.defineProperty(ctx, prop, {
      get: () => values[prop],
      set: (v) => {
        values[prop] = v;
        ops.push(['set', prop, v && typeof v === 'object' && v.__grad ? { __grad: v.__grad } : v]);
      },
      enumerable: true,
    });
  }
  const setter = (prop) => (v) => {
    ctx[prop] = v;
  };
  Object.assign(ctx, {
    setFillStyle: setter('fillStyle'), setStrokeStyle: setter('strokeStyle'), setLineWidth: setter('lineWidth'),
    setLineCap: setter('lineCap'), setLineJoin: setter('lineJoin'), setMiterLimit: setter('miterLimit'),
    setGlobalAlpha: setter('globalAlpha'), setTextAlign: setter('textAlign'), setTextBaseline: setter('textBaseline'),
    setFontSize(n) {
      values.fontSize = n;
      values.font = `${n}px sans-serif`;
      ops.push(['set', 'fontSize', n]);
    },
    setShadow(x = 0, y = 0, blur = 0, color = 'black') {
      ops.push(['set', 'shadow', [x, y, blur, color]]);
    },
    setLineDash(pattern = [], offset = 0) {
      ops.push(['set', 'lineDash', [pattern, offset]]);
    },
    createLinearGradient(x0, y0, x1, y1) {
      const id = gradIds++;
      ops.push(['gradient', id, 'linear', x0, y0, x1, y1]);
      return { __grad: id, addColorStop: (pos, color) => void ops.push(['stop', id, pos, color]) };
    },
    createCircularGradient(x, y, r) {
      const id = gradIds++;
      ops.push(['gradient', id, 'circular', x, y, r]);
      return { __grad: id, addColorStop: (pos, color) => void ops.push(['stop', id, pos, color]) };
    },
    createPattern() {
      return null;
    },
    drawImage(src, ...a) {
      ops.push(['drawImage', String(src), ...a]);
    },
    measureText(text) {
      const size = Number(/(\d+(?:\.\d+)?)px/.exec(String(values.font))?.[1] || values.fontSize || 10);
      let w = 0;
      for (const ch of String(text)) w += ch.charCodeAt(0) > 255 ? size : size * 0.55;
      return { width: w };
    },
    draw(reserve = false, cb) {
      const list = ops;
      ops = [];
      callHost('viewCall', { pageId, owner, canvasId, method: 'draw', args: [JSON.parse(JSON.stringify(list)), !!reserve] }).then(
        () => typeof cb === 'function' && cb(),
        (err) => console.warn(`canvas "${canvasId}": ${err && err.errMsg}`),
      );
    },
  });
  return ctx;
}
