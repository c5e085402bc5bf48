// The super app's home: recent and all mini programs, from the host API; a tap opens one in the
// runtime's host shell (/runtime/host/host.js), which draws the mini program over the home.
import { createHost, defaultFetchJson } from '/runtime/host/host.js';

const root = document.getElementById('mh-host');
const host = createHost(root);
window.minihost = host; // for the console and browser tests

function initials(name) {
  return (name || '?').trim().slice(0, 1).toUpperCase();
}

// A stable colour per app for icon-less apps, so the grid stays recognisable.
function colour(appid) {
  let n = 0;
  for (const c of appid) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${n % 360} 55% 52%)`;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

function appButton(app) {
  const icon = app.icon_url
    ? el('img', { src: app.icon_url, alt: '' })
    : el('div', { class: 'mh-home-icon', 'aria-hidden': 'true', text: initials(app.name) });
  if (!app.icon_url) icon.style.background = colour(app.appid);
  return el(
    'li',
    {},
    el(
      'button',
      { class: 'mh-home-app', type: 'button', 'data-appid': app.appid, title: app.description || app.name, onclick: () => open(app.appid) },
      icon,
      el('span', { text: app.name }),
    ),
  );
}

function section(title, apps, cls) {
  return el('section', { class: `mh-home-section ${cls}` }, el('h2', { text: title }), el('ul', { class: 'mh-home-grid' }, ...apps.map(appButton)));
}

async function open(appid) {
  await host.open(appid);
  refresh(); // "recent" changed
}

async function signOut() {
  try {
    await defaultFetchJson('/api/accounts/signout', { method: 'POST' });
  } finally {
    location.reload();
  }
}

export async function refresh() {
  let data;
  try {
    data = await defaultFetchJson('/host/api/apps');
  } catch (err) {
    if (err.status === 401) return location.reload();
    host.home.replaceChildren(el('p', { class: 'mh-home-empty', text: `Could not load mini programs: ${err.message}` }));
    return;
  }
  const header = el(
    'header',
    { class: 'mh-home-header' },
    el('h1', { text: 'Mini Programs' }),
    el('button', { class: 'mh-home-signout', type: 'button', onclick: signOut, text: `Sign out ${root.dataset.nickname || ''}`.trim() }),
  );
  const parts = [header];
  if (data.recent.length) parts.push(section('Recently used', data.recent, 'mh-home-recent'));
  if (data.all.length) parts.push(section('All mini programs', data.all, 'mh-home-all'));
  else parts.push(el('p', { class: 'mh-home-empty', text: 'No mini programs have been released yet.' }));
  host.home.replaceChildren(el('main', { class: 'mh-home-list' }, ...parts));
}

refresh();

// A link or QR code of the form /#open=<appid>&version=trial|develop&path=<page> opens that mini program
// (`minihost preview` prints one for testers).
function openFromLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const appid = params.get('open');
  if (!appid) return;
  const version = ['release', 'trial', 'develop'].includes(params.get('version')) ? params.get('version') : 'release';
  const opts = { version };
  if (params.get('path')) opts.path = params.get('path');
  history.replaceState(null, '', location.pathname + location.search);
  host.open(appid, opts).then(() => refresh());
}

openFromLink();
window.addEventListener('hashchange', openFromLink);
