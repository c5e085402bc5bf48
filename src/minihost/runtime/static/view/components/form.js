// Form family: form, switch, checkbox / checkbox-group, radio / radio-group, label, slider.
// A field is any element with __mhField() (its submitted value) and usually __mhReset().
import { fire } from '../events.js';
import { changed, closestTag, descendantsByTag, div, internal, num, on, reflect } from './util.js';

// ------------------------------------------------------------------ form
function collect(form) {
  const value = {};
  for (const n of form.querySelectorAll('*')) {
    const v = n.__mhv;
    if (!v || v.dom !== n) continue;
    // custom components with the wx://form-field behaviour take part with their `name`/`value` data
    const comp = n.__mhComp;
    if (v.k === 'c' && comp && comp.formField) {
      const name = comp.data.name ?? v.attrs.name;
      if (name !== undefined && name !== null && name !== '') value[String(name)] = comp.data.value ?? '';
      continue;
    }
    if (!n.__mhField) continue;
    const name = v.attrs.name;
    if (name !== undefined && name !== null && name !== '') value[String(name)] = n.__mhField();
  }
  return value;
}
export const form = {
  create(el) {
    el.__mhFormAction = (kind) => {
      if (kind === 'submit') fire(el, 'submit', { value: collect(el), target: {} });
      else {
        for (const n of el.querySelectorAll('*')) if (n.__mhReset) n.__mhReset();
        fire(el, 'reset', {});
      }
    };
  },
};

// ------------------------------------------------------------------ switch
export const switch_ = {
  create(el) {
    el.setAttribute('role', 'switch');
    el.tabIndex = 0;
    el.__mhField = () => !!el.__checked;
    el.__mhReset = () => switch_.set(el, false);
    el.__mhTap = (v) => {
      if (on(v.attrs.disabled)) return;
      switch_.set(el, !el.__checked);
      fire(el, 'change', { value: el.__checked });
    };
  },
  set(el, on_) {
    el.__checked = on_;
    el.toggleAttribute('checked', on_);
    el.setAttribute('aria-checked', String(on_));
  },
  update(el, v, old) {
    if (changed(v, old, 'checked')) switch_.set(el, on(v.attrs.checked));
    if (v.attrs.color) el.style.setProperty('--wx-switch-color', String(v.attrs.color));
    reflect(el, 'type', v.attrs.type === 'checkbox' ? 'checkbox' : null);
    reflect(el, 'disabled', on(v.attrs.disabled) ? true : null);
  },
};

// ------------------------------------------------------------------ checkbox, radio and their groups
function choice(kind) {
  const groupTag = kind + '-group';
  return {
    create(el) {
      el.setAttribute('role', kind);
      const box = internal(div(`wx-${kind}-input`, 'span'));
      el.insertBefore(box, el.firstChild);
      el.__mhTap = () => choice.toggle(el, kind);
      el.__mhReset = () => choice.set(el, on(el.__mhv.attrs.checked));
    },
    update(el, v, old) {
      if (changed(v, old, 'checked')) choice.set(el, on(v.attrs.checked));
      reflect(el, 'disabled', on(v.attrs.disabled) ? true : null);
      if (v.attrs.color) el.style.setProperty('--wx-choice-color', String(v.attrs.color));
      void groupTag;
    },
  };
}
choice.set = (el, c) => {
  el.__checked = !!c;
  el.toggleAttribute('checked', !!c);
  el.setAttribute('aria-checked', String(!!c));
};
choice.toggle = (el, kind) => {
  const v = el.__mhv;
  if (on(v.attrs.disabled)) return;
  const group = closestTag(el.parentNode, kind + '-group');
  if (kind === 'radio') {
    if (el.__checked) return;
    if (group) for (const r of descendantsByTag(group, 'radio')) if (r !== el) choice.set(r, false);
    choice.set(el, true);
  } else choice.set(el, !el.__checked);
  if (group) fire(group, 'change', { value: group.__mhField() });
};
function groupValue(el, kind) {
  const values = descendantsByTag(el, kind).filter((n) => n.__checked).map((n) => {
    const val = n.__mhv.attrs.value;
    return val === undefined || val === null ? '' : String(val);
  });
  return kind === 'radio' ? (values[0] ?? '') : values;
}
export const checkbox = choice('checkbox');
export const radio = choice('radio');
export const checkboxGroup = { create(el) { el.__mhField = () => groupValue(el, 'checkbox'); } };
export const radioGroup = { create(el) { el.__mhField = () => groupValue(el, 'radio'); } };

// ------------------------------------------------------------------ label
const ACTIVATABLE = ['checkbox', 'radio', 'switch', 'button'];
export const label = {
  create(el) {
    el.__mhTap = (v) => {
      let target = null;
      if (v.attrs.for) {
        target = document.getElementById(String(v.attrs.for));
      } else {
        for (const t of ACTIVATABLE) {
          target = descendantsByTag(el, t)[0];
          if (target) break;
        }
      }
      if (!target) return;
      if (target.__input) target.__input.focus();
      else if (target.__mhTap && target.__mhv) target.__mhTap(target.__mhv);
    };
  },
};

// ------------------------------------------------------------------ slider
export const slider = {
  create(el) {
    const wrap = internal(div('wx-slider-wrapper'));
    const track = div('wx-slider-track');
    const fill = div('wx-slider-fill');
    const thumb = div('wx-slider-thumb');
    const label_ = div('wx-slider-value', 'span');
    track.append(fill, thumb);
    wrap.append(track, label_);
    el.appendChild(wrap);
    el.setAttribute('role', 'slider');
    const s = (el.__sl = { track, fill, thumb, label: label_, value: 0, drag: false });
    el.__mhField = () => s.value;
    el.__mhReset = () => slider.set(el, num(el.__mhv.attrs.value, num(el.__mhv.attrs.min, 0)));
    const at = (e) => {
      const { min, max, step } = slider.range(el.__mhv);
      const r = track.getBoundingClientRect();
      const ratio = r.width ? Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)) : 0;
      const raw = min + ratio * (max - min);
      const stepped = Math.round((raw - min) / step) * step + min;
      return Math.max(min, Math.min(max, Number(stepped.toFixed(10))));
    };
    wrap.addEventListener('pointerdown', (e) => {
      if (on(el.__mhv.attrs.disabled) || e.button > 0) return;
      s.drag = true;
      try {
        wrap.setPointerCapture(e.pointerId);
      } catch {
        // synthetic pointers cannot be captured; moves still reach us while over the track
      }
      const val = at(e);
      if (val !== s.value) {
        slider.set(el, val);
        fire(el, 'changing', { value: val });
      }
    });
    wrap.addEventListener('pointermove', (e) => {
      if (!s.drag) return;
      const val = at(e);
      if (val !== s.value) {
        slider.set(el, val);
        fire(el, 'changing', { value: val });
      }
    });
    const end = (e) => {
      if (!s.drag) return;
      s.drag = false;
      if (e.type === 'pointerup') slider.set(el, at(e));
      fire(el, 'change', { value: s.value });
    };
    wrap.addEventListener('pointerup', end);
    wrap.addEventListener('pointercancel', end);
  },
  range(v) {
    const min = num(v.attrs.min, 0);
    const max = Math.max(min, num(v.attrs.max, 100));
    const step = Math.max(Number.EPSILON, num(v.attrs.step, 1));
    return { min, max, step };
  },
  set(el, value) {
    const s = el.__sl;
    const { min, max } = slider.range(el.__mhv);
    s.value = value;
    const pct = max > min ? ((value - min) / (max - min)) * 100 : 0;
    s.fill.style.width = pct + '%';
    s.thumb.style.left = pct + '%';
    s.label.textContent = String(value);
    el.setAttribute('aria-valuenow', String(value));
  },
  update(el, v, old) {
    const s = el.__sl;
    const a = v.attrs;
    const { min, max } = slider.range(v);
    if (!s.drag && (changed(v, old, 'value') || changed(v, old, 'min') || changed(v, old, 'max'))) {
      slider.set(el, Math.max(min, Math.min(max, num(a.value, min))));
    }
    const active = a.activeColor || a['active-color'] || a['selected-color'] || a.selectedColor || '#1aad19';
    const bg = a.backgroundColor || a['background-color'] || a.color || '#e9e9e9';
    s.fill.style.backgroundColor = String(active);
    s.track.style.backgroundColor = String(bg);
    const size = Math.max(12, Math.min(28, num(a['block-size'], 28)));
    s.thumb.style.width = s.thumb.style.height = size + 'px';
    s.thumb.style.marginLeft = s.thumb.style.marginTop = -size / 2 + 'px';
    s.thumb.style.backgroundColor = String(a['block-color'] || '#ffffff');
    s.label.hidden = !on(a['show-value']);
    reflect(el, 'disabled', on(a.disabled) ? true : null);
    el.setAttribute('aria-valuemin', String(min));
    el.setAttribute('aria-valuemax', String(max));
  },
};
