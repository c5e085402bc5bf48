// The safe evaluator of template expressions (BUNDLE_FORMAT.md, "Expressions"). It never reaches
// __proto__/prototype/constructor, never reads inherited properties of objects, and answers undefined
// instead of throwing: {{a.b.c}} with a undefined renders nothing, as in WeChat.

const BLOCKED = new Set(['__proto__', 'prototype', 'constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
const hasOwn = Object.prototype.hasOwnProperty;

// Functions that templates may call: only those exported by WXS modules.
export const callable = new WeakSet();

export function scopeLookup(scope, name) {
  if (BLOCKED.has(name)) return undefined;
  for (let s = scope; s; s = s.parent) {
    const v = s.vars;
    if (v && typeof v === 'object' && hasOwn.call(v, name)) return v[name];
  }
  return undefined;
}

function member(o, key) {
  if (o === null || o === undefined) return undefined;
  const k = typeof key === 'number' ? key : String(key);
  if (BLOCKED.has(k)) return undefined;
  if (typeof o === 'string') {
    if (k === 'length') return o.length;
    const n = Number(k);
    return Number.isInteger(n) ? o[n] : undefined;
  }
  if (typeof o === 'object' || typeof o === 'function') {
    if (Array.isArray(o) && k === 'length') return o.length;
    return hasOwn.call(o, k) ? o[k] : undefined;
  }
  return undefined;
}

export function toText(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') {
    try {
      return Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? '' : toText(x))).join(',') : JSON.stringify(v);
    } catch {
      return '';
    }
  }
  return String(v);
}

export function evaluate(e, scope) {
  if (!e || typeof e !== 'object') return undefined;
  try {
    return ev(e, scope);
  } catch (err) {
    console.warn('[minihost] template expression error', err);
    return undefined;
  }
}

function ev(e, scope) {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'id':
      return scopeLookup(scope, e.n);
    case 'mem':
      return member(ev(e.o, scope), ev(e.p, scope));
    case 'un': {
      if (e.op === 'typeof') return typeof ev(e.a, scope);
      const a = ev(e.a, scope);
      switch (e.op) {
        case '!': return !a;
        case '-': return -a;
        case '+': return +a;
        case '~': return ~a;
        default: return undefined;
      }
    }
    case 'bin': {
      const op = e.op;
      if (op === '&&') return ev(e.l, scope) && ev(e.r, scope);
      if (op === '||') return ev(e.l, scope) || ev(e.r, scope);
      if (op === '??') return ev(e.l, scope) ?? ev(e.r, scope);
      const l = ev(e.l, scope);
      const r = ev(e.r, scope);
      switch (op) {
        case '+': return l + r;
        case '-': return l - r;
        case '*': return l * r;
        case '/': return l / r;
        case '%': return l % r;
        case '==': return l == r; // eslint-disable-line eqeqeq
        case '!=': return l != r; // eslint-disable-line eqeqeq
        case '===': return l === r;
        case '!==': return l !== r;
        case '<': return l < r;
        case '<=': return l <= r;
        case '>': return l > r;
        case '>=': return l >= r;
        case 'in': return r !== null && typeof r === 'object' && !BLOCKED.has(String(l)) && hasOwn.call(r, l);
        default: return undefined;
      }
    }
    case 'cond':
      return ev(e.c, scope) ? ev(e.a, scope) : ev(e.b, scope);
    case 'arr': {
      const out = [];
      for (const it of e.items) {
        if (it && it.k === 'spread') {
          const v = ev(it.a, scope);
          if (Array.isArray(v)) out.push(...v);
        } else out.push(ev(it, scope));
      }
      return out;
    }
    case 'obj': {
      const out = {};
      for (const p of e.props) {
        if (p.k === 'spread') {
          const v = ev(p.a, scope);
          if (v && typeof v === 'object') for (const k of Object.keys(v)) if (!BLOCKED.has(k)) out[k] = v[k];
        } else if (!BLOCKED.has(p.key)) {
          out[p.key] = ev(p.v, scope);
        }
      }
      return out;
    }
    case 'call': {
      let self;
      let f;
      if (e.f.k === 'mem') {
        self = ev(e.f.o, scope);
        f = member(self, ev(e.f.p, scope));
      } else f = ev(e.f, scope);
      if (typeof f !== 'function' || !callable.has(f)) return undefined;
      const args = e.args.map((a) => ev(a, scope));
      return f.apply(self, args);
    }
    case 'cat': {
      let s = '';
      for (const p of e.parts) s += toText(ev(p, scope));
      return s;
    }
    default:
      return undefined;
  }
}
