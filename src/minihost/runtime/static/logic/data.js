// setData paths and JSON-shaped data helpers.

// 'list[0].name' -> ['list', 0, 'name']; 'a.b' -> ['a', 'b']
export function parsePath(path) {
  const segs = [];
  let cur = '';
  let i = 0;
  const s = String(path);
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '.') {
      segs.push(cur);
      cur = '';
      i++;
    } else if (c === '[') {
      if (cur !== '' || segs.length === 0) segs.push(cur);
      cur = '';
      const end = s.indexOf(']', i);
      if (end < 0) throw new Error(`setData: bad path "${s}"`);
      const inner = s.slice(i + 1, end).trim();
      const n = Number(inner);
      segs.push(Number.isInteger(n) && inner !== '' ? n : inner.replace(/^['"]|['"]$/g, ''));
      i = end + 1;
      cur = null;
      if (s[i] === '.') i++;
      cur = '';
    } else {
      cur += c;
      i++;
    }
  }
  if (cur !== '') segs.push(cur);
  return segs.filter((x) => x !== '');
}

export function getPath(obj, segs) {
  let o = obj;
  for (const k of segs) {
    if (o == null) return undefined;
    o = o[k];
  }
  return o;
}

export function setPath(obj, segs, value) {
  let o = obj;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    if (o[k] == null || typeof o[k] !== 'object') o[k] = typeof segs[i + 1] === 'number' ? [] : {};
    o = o[k];
  }
  o[segs[segs.length - 1]] = value;
}

// Data crosses realms as JSON, as in WeChat (functions dropped, Dates become strings).
export function jsonClone(v) {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? undefined : v;
  return JSON.parse(JSON.stringify(v));
}

export function deepClone(v) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(deepClone);
  if (v instanceof Date) return new Date(v.getTime());
  const out = {};
  for (const k of Object.keys(v)) out[k] = deepClone(v[k]);
  return out;
}

export function samePrimitive(a, b) {
  return (a === null || typeof a !== 'object') && (b === null || typeof b !== 'object') && Object.is(a, b);
}

export function pathToString(segs) {
  let s = '';
  for (const k of segs) s += typeof k === 'number' ? `[${k}]` : s ? '.' + k : k;
  return s;
}
