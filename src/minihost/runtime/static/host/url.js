// Page URLs as wx.navigateTo and <navigator url> take them.

function normalize(p) {
  const out = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

export function parseQuery(qs) {
  const query = {};
  if (!qs) return query;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? '' : part.slice(i + 1);
    try {
      query[decodeURIComponent(k)] = decodeURIComponent(v);
    } catch {
      query[k] = v;
    }
  }
  return query;
}

// "../logs/logs?id=1" from route "pages/index/index" -> {route: "pages/logs/logs", query: {id: "1"}}
export function resolveUrl(url, fromRoute) {
  const s = String(url || '');
  const q = s.indexOf('?');
  const path = q < 0 ? s : s.slice(0, q);
  const query = parseQuery(q < 0 ? '' : s.slice(q + 1));
  let route;
  if (path.startsWith('/')) route = normalize(path);
  else {
    const dir = fromRoute && fromRoute.includes('/') ? fromRoute.slice(0, fromRoute.lastIndexOf('/')) : '';
    route = normalize(dir + '/' + path);
  }
  route = route.replace(/\.(html|wxml)$/, '');
  return { route, query };
}

export function queryString(query) {
  return Object.entries(query || {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
