// The package's CommonJS module system: __mhDefine registers factories, require runs them lazily.

function dirname(p) {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function normalize(p) {
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

export function createModules(reportError) {
  const factories = new Map();
  const cache = new Map();
  let done = false;

  function define(path, factory) {
    factories.set(normalize(path), factory);
  }
  define.done = () => {
    done = true;
  };

  function candidates(base) {
    const b = normalize(base);
    const list = [b, b + '.js', b + '/index.js'];
    if (b.endsWith('.js')) list.unshift(b);
    return list;
  }

  function find(base) {
    for (const c of candidates(base)) if (factories.has(c)) return c;
    return null;
  }

  // WeChat resolves "./x", "../x", "/x" and bare "x" (relative to the caller first, then
  // miniprogram_npm directories upwards, then the package root).
  function resolve(from, request) {
    request = String(request);
    const dir = dirname(from);
    if (request.startsWith('/')) return find(request);
    if (request.startsWith('.')) return find(dir + '/' + request);
    let hit = find(dir + '/' + request);
    if (hit) return hit;
    let d = dir;
    for (;;) {
      hit = find((d ? d + '/' : '') + 'miniprogram_npm/' + request);
      if (hit) return hit;
      if (!d) break;
      d = dirname(d);
    }
    return find(request);
  }

  function load(path) {
    const cached = cache.get(path);
    if (cached) return cached.exports;
    const factory = factories.get(path);
    const module = { id: path, exports: {} };
    cache.set(path, module);
    try {
      factory.call(module.exports, makeRequire(path), module, module.exports);
    } catch (err) {
      cache.delete(path);
      throw err;
    }
    return module.exports;
  }

  function makeRequire(from) {
    const req = function require(request) {
      const path = resolve(from, request);
      if (!path) {
        throw new Error(`module "${request}" is not defined (required from ${from})`);
      }
      return load(path);
    };
    return req;
  }

  return {
    define,
    isDone: () => done,
    has: (p) => factories.has(normalize(p)),
    // Requires a package file by its package path ("app.js", "pages/a/a" without extension).
    requirePath(p) {
      const path = find(p);
      if (!path) throw new Error(`module "${p}" is not defined`);
      return load(path);
    },
    resolve,
    reportError,
  };
}
