// picker (a bottom sheet with wheel columns: selector, multiSelector, time, date, region) and
// picker-view / picker-view-column (inline wheels whose items are the package's own nodes).
import { fire } from '../events.js';
import { changed, div, internal, num, on } from './util.js';
import { REGIONS } from './region.js';

const ROW = 34;

// One wheel: a scroll-snapped list; the row in the middle band is the chosen one.
function wheel(onPick) {
  const el = div('wx-picker-col');
  const list = div('wx-picker-col-list');
  el.appendChild(list);
  let index = 0;
  let timer = null;
  const w = {
    el,
    get index() {
      return index;
    },
    items: [],
    set(items, i) {
      w.items = items;
      list.textContent = '';
      items.forEach((label, k) => {
        const item = div('wx-picker-item');
        item.textContent = label;
        item.addEventListener('click', () => w.scrollTo(k, true));
        list.appendChild(item);
      });
      index = Math.max(0, Math.min(items.length - 1, i | 0));
      el.scrollTop = index * ROW;
      w.mark();
    },
    mark() {
      [...list.children].forEach((c, k) => c.classList.toggle('wx-picker-item-selected', k === index));
    },
    scrollTo(i, notify) {
      index = Math.max(0, Math.min(w.items.length - 1, i));
      el.scrollTop = index * ROW;
      w.mark();
      if (notify) onPick(index);
    },
  };
  el.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const i = Math.max(0, Math.min(w.items.length - 1, Math.round(el.scrollTop / ROW)));
      if (i !== index) {
        index = i;
        w.mark();
        onPick(i);
      }
    }, 120);
  });
  return w;
}

function pad(n) {
  return String(n).padStart(2, '0');
}
function labelOf(item, key) {
  if (item && typeof item === 'object') return String(key ? item[key] ?? '' : JSON.stringify(item));
  return item === undefined || item === null ? '' : String(item);
}
function parseDate(s, d) {
  const m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec(String(s || ''));
  return m ? [Number(m[1]), Number(m[2] || 1), Number(m[3] || 1)] : d;
}
function daysIn(y, m) {
  return new Date(y, m, 0).getDate();
}

// Each mode: columns(v, sel) -> [[labels]], initial(v) -> sel, value(v, sel) -> detail.value,
// and optionally adjust(v, sel, col) after a column moved (dependent columns).
const MODES = {
  selector: {
    columns: (v) => [(Array.isArray(v.attrs.range) ? v.attrs.range : []).map((x) => labelOf(x, v.attrs['range-key']))],
    initial: (v) => [num(v.attrs.value, 0)],
    value: (v, sel) => sel[0],
  },
  multiSelector: {
    columns: (v) => (Array.isArray(v.attrs.range) ? v.attrs.range : []).map((col) => (Array.isArray(col) ? col : []).map((x) => labelOf(x, v.attrs['range-key']))),
    initial: (v) => {
      const val = Array.isArray(v.attrs.value) ? v.attrs.value : [];
      const n = Array.isArray(v.attrs.range) ? v.attrs.range.length : 0;
      return Array.from({ length: n }, (_, i) => num(val[i], 0));
    },
    value: (v, sel) => sel.slice(),
  },
  time: {
    bounds(v) {
      const p = (s, d) => {
        const m = /^(\d{1,2}):(\d{1,2})/.exec(String(s || ''));
        return m ? Number(m[1]) * 60 + Number(m[2]) : d;
      };
      return [p(v.attrs.start, 0), p(v.attrs.end, 23 * 60 + 59)];
    },
    columns(v, sel) {
      const [lo, hi] = MODES.time.bounds(v);
      const hours = [];
      for (let h = Math.floor(lo / 60); h <= Math.floor(hi / 60); h++) hours.push(pad(h));
      const h = Number(hours[sel[0]] ?? hours[0]);
      const mins = [];
      for (let m = 0; m < 60; m++) if (h * 60 + m >= lo && h * 60 + m <= hi) mins.push(pad(m));
      return [hours, mins];
    },
    initial(v) {
      const [lo] = MODES.time.bounds(v);
      const m = /^(\d{1,2}):(\d{1,2})/.exec(String(v.attrs.value || ''));
      const cols = MODES.time.columns(v, [0]);
      const h = m ? Number(m[1]) : Math.floor(lo / 60);
      const hi = Math.max(0, cols[0].indexOf(pad(h)));
      const mins = MODES.time.columns(v, [hi])[1];
      return [hi, Math.max(0, mins.indexOf(pad(m ? Number(m[2]) : lo % 60)))];
    },
    value(v, sel) {
      const cols = MODES.time.columns(v, sel);
      return `${cols[0][sel[0]]}:${cols[1][sel[1]] ?? cols[1][0]}`;
    },
  },
  date: {
    fields: (v) => (v.attrs.fields === 'year' ? 1 : v.attrs.fields === 'month' ? 2 : 3),
    columns(v, sel) {
      const [y0] = parseDate(v.attrs.start, [1900, 1, 1]);
      const [y1] = parseDate(v.attrs.end, [2100, 12, 31]);
      const years = [];
      for (let y = y0; y <= y1; y++) years.push(`${y}年`);
      const y = y0 + (sel[0] || 0);
      const months = Array.from({ length: 12 }, (_, i) => `${pad(i + 1)}月`);
      const days = Array.from({ length: daysIn(y, (sel[1] || 0) + 1) }, (_, i) => `${pad(i + 1)}日`);
      return [years, months, days].slice(0, MODES.date.fields(v));
    },
    initial(v) {
      const [y0] = parseDate(v.attrs.start, [1900, 1, 1]);
      const now = new Date();
      const [y, m, d] = parseDate(v.attrs.value, [now.getFullYear(), now.getMonth() + 1, now.getDate()]);
      return [y - y0, m - 1, d - 1].slice(0, MODES.date.fields(v));
    },
    value(v, sel) {
      const [y0] = parseDate(v.attrs.start, [1900, 1, 1]);
      const parts = [String(y0 + sel[0]), pad((sel[1] || 0) + 1), pad(Math.min((sel[2] || 0) + 1, daysIn(y0 + sel[0], (sel[1] || 0) + 1)))];
      return parts.slice(0, MODES.date.fields(v)).join('-');
    },
  },
  region: {
    levels: (v) => (v.attrs.level === 'province' ? 1 : v.attrs.level === 'city' ? 2 : 3),
    table(v) {
      const custom = v.attrs['custom-item'];
      if (!custom) return REGIONS;
      const c = String(custom);
      const withCustom = (list, depth) => [[c, '', []], ...list.map(([n, code, ch]) => [n, code, depth < 2 ? withCustom(ch || [], depth + 1) : ch])];
      return withCustom(REGIONS, 0);
    },
    pick(v, sel) {
      const t = MODES.region.table(v);
      const p = t[sel[0]] || t[0];
      const c = (p[2] || [])[sel[1] || 0] || (p[2] || [])[0];
      const d = c ? (c[2] || [])[sel[2] || 0] || (c[2] || [])[0] : undefined;
      return [p, c, d];
    },
    columns(v, sel) {
      const t = MODES.region.table(v);
      const [p, c] = MODES.region.pick(v, sel);
      return [t.map((x) => x[0]), (p[2] || []).map((x) => x[0]), c ? (c[2] || []).map((x) => x[0]) : []].slice(0, MODES.region.levels(v));
    },
    initial(v) {
      const val = Array.isArray(v.attrs.value) ? v.attrs.value.map(String) : [];
      const t = MODES.region.table(v);
      const pi = Math.max(0, t.findIndex((x) => x[0] === val[0]));
      const ci = Math.max(0, (t[pi][2] || []).findIndex((x) => x[0] === val[1]));
      const city = (t[pi][2] || [])[ci];
      const di = city ? Math.max(0, (city[2] || []).findIndex((x) => x[0] === val[2])) : 0;
      return [pi, ci, di].slice(0, MODES.region.levels(v));
    },
    value(v, sel) {
      return MODES.region.pick(v, sel).slice(0, MODES.region.levels(v)).map((x) => (x ? x[0] : ''));
    },
    extra(v, sel) {
      const picked = MODES.region.pick(v, sel).slice(0, MODES.region.levels(v));
      return { code: picked.map((x) => (x ? x[1] : '')), postcode: '' };
    },
  },
};
function modeOf(v) {
  return MODES[v.attrs.mode] || MODES.selector;
}

export const picker = {
  create(el) {
    el.__pk = { sel: null, sheet: null };
    el.__mhField = () => {
      const v = el.__mhv;
      const m = modeOf(v);
      return m.value(v, el.__pk.sel || m.initial(v));
    };
    el.__mhReset = () => {
      el.__pk.sel = null;
    };
    el.__mhTap = (v) => {
      if (on(v.attrs.disabled) || el.__pk.sheet) return;
      picker.open(el);
    };
  },
  update(el, v, old) {
    const pk = el.__pk;
    if (changed(v, old, 'value') || changed(v, old, 'mode')) pk.sel = null;
    if (pk.sheet) picker.refresh(el);
  },
  destroy(el) {
    if (el.__pk.sheet) picker.close(el);
  },
  open(el) {
    const v = el.__mhv;
    const m = modeOf(v);
    const pk = el.__pk;
    pk.work = (pk.sel || m.initial(v)).slice();
    const mask = div('wx-picker-mask');
    const sheet = div('wx-picker');
    const head = div('wx-picker-hd');
    const cancel = div('wx-picker-action wx-picker-cancel', 'button');
    cancel.textContent = '取消';
    const title = div('wx-picker-title');
    title.textContent = v.attrs['header-text'] ? String(v.attrs['header-text']) : '';
    const ok = div('wx-picker-action wx-picker-confirm', 'button');
    ok.textContent = '确定';
    head.append(cancel, title, ok);
    const body = div('wx-picker-bd');
    const band = div('wx-picker-band');
    body.appendChild(band);
    sheet.append(head, body);
    document.body.append(mask, sheet);
    pk.sheet = { mask, sheet, body, wheels: [] };
    const close = (confirmed) => {
      const cur = el.__mhv;
      if (confirmed) {
        pk.sel = pk.work.slice();
        const detail = { value: m.value(cur, pk.sel), ...(m.extra ? m.extra(cur, pk.sel) : {}) };
        picker.close(el);
        fire(el, 'change', detail);
      } else {
        picker.close(el);
        fire(el, 'cancel', {});
      }
    };
    cancel.addEventListener('click', () => close(false));
    mask.addEventListener('click', () => close(false));
    ok.addEventListener('click', () => close(true));
    picker.refresh(el);
    requestAnimationFrame(() => sheet.classList.add('wx-picker-show'));
  },
  refresh(el) {
    const v = el.__mhv;
    const m = modeOf(v);
    const pk = el.__pk;
    const s = pk.sheet;
    const cols = m.columns(v, pk.work);
    while (s.wheels.length > cols.length) s.wheels.pop().el.remove();
    cols.forEach((labels, c) => {
      let w = s.wheels[c];
      if (!w) {
        w = wheel((i) => {
          const mode = el.__mhv.attrs.mode;
          pk.work[c] = i;
          if (mode === 'multiSelector') fire(el, 'columnchange', { column: c, value: i });
          // dependent columns (days of a month, cities of a province) follow
          if (mode === 'date' || mode === 'time' || mode === 'region') {
            for (let k = c + 1; k < pk.work.length; k++) if (mode === 'region') pk.work[k] = 0;
            picker.refresh(el);
          }
        });
        s.wheels[c] = w;
        s.body.appendChild(w.el);
      }
      const same = w.items.length === labels.length && w.items.every((x, i) => x === labels[i]);
      const idx = Math.min(pk.work[c] || 0, Math.max(0, labels.length - 1));
      pk.work[c] = idx;
      if (!same) w.set(labels, idx);
      else if (w.index !== idx) w.scrollTo(idx, false);
    });
    pk.work.length = Math.max(pk.work.length, cols.length);
  },
  close(el) {
    const s = el.__pk.sheet;
    el.__pk.sheet = null;
    if (!s) return;
    s.mask.remove();
    s.sheet.remove();
  },
};

// ------------------------------------------------------------------ picker-view
// Columns are the package's own nodes; each column scrolls with snapping, its rows as tall as its first row.
export const pickerView = {
  create(el) {
    const band = internal(div('wx-picker-view-band'));
    el.appendChild(band);
    el.__pv = { value: [] };
    el.__mhField = () => pickerView.value(el);
  },
  columns(el) {
    return [...el.children].filter((c) => c.tagName === 'WX-PICKER-VIEW-COLUMN');
  },
  value(el) {
    return pickerView.columns(el).map((c) => (c.__col ? c.__col.index : 0));
  },
  update(el, v, old) {
    const cols = pickerView.columns(el);
    const apply = () => {
      const h = el.clientHeight;
      cols.forEach((c, i) => {
        const col = c.__col;
        if (!col) return;
        const first = [...c.children].find((n) => !n.__mhInternal);
        col.row = first ? first.offsetHeight || ROW : ROW;
        const padTop = Math.max(0, (h - col.row) / 2);
        c.style.paddingTop = c.style.paddingBottom = padTop + 'px';
        el.__pv.band.style.top = padTop + 'px';
        el.__pv.band.style.height = col.row + 'px';
        if (!old || changed(v, old, 'value') || col.fresh) {
          col.fresh = false;
          const want = Array.isArray(v.attrs.value) ? num(v.attrs.value[i], 0) : 0;
          col.index = want;
          c.scrollTop = want * col.row;
        }
      });
    };
    el.__pv.band = el.querySelector(':scope > .wx-picker-view-band');
    requestAnimationFrame(apply);
  },
};
export const pickerViewColumn = {
  create(el) {
    const col = (el.__col = { index: 0, row: ROW, timer: null, fresh: true, picking: false });
    el.addEventListener('scroll', () => {
      const pv = el.parentNode;
      if (!col.picking) {
        col.picking = true;
        if (pv && pv.__pv) fire(pv, 'pickstart', {});
      }
      clearTimeout(col.timer);
      col.timer = setTimeout(() => {
        col.picking = false;
        const count = [...el.children].filter((n) => !n.__mhInternal).length;
        const i = Math.max(0, Math.min(count - 1, Math.round(el.scrollTop / col.row)));
        if (Math.abs(el.scrollTop - i * col.row) > 1) el.scrollTo({ top: i * col.row, behavior: 'smooth' });
        if (pv && pv.__pv) fire(pv, 'pickend', {});
        if (i !== col.index) {
          col.index = i;
          if (pv && pv.__pv) fire(pv, 'change', { value: pickerView.value(pv) });
        }
      }, 150);
    });
    el.addEventListener('click', (e) => {
      // tapping a row picks it
      const rows = [...el.children].filter((n) => !n.__mhInternal);
      const row = rows.findIndex((r) => r.contains(e.target));
      if (row >= 0) el.scrollTo({ top: row * col.row, behavior: 'auto' });
    });
  },
};
