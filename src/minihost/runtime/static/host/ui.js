// What the host draws itself over a mini program: splash, navigation bar with capsule, tabBar, toast,
// loading, modal and action sheet.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'style') Object.assign(el.style, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function splash(name, iconUrl) {
  return h('div', { class: 'mh-splash' },
    h('div', { class: 'mh-splash-icon' }, iconUrl ? h('img', { src: iconUrl, alt: '' }) : null),
    h('div', { class: 'mh-splash-name', text: name || '' }),
    h('div', { class: 'mh-splash-dots' }, h('i'), h('i'), h('i')));
}

export function navbar({ onBack, onMore, onClose }) {
  const back = h('button', { class: 'mh-nav-back', 'aria-label': 'Back', onclick: onBack }, h('span'));
  const title = h('div', { class: 'mh-nav-title' });
  const loading = h('span', { class: 'mh-nav-loading', hidden: true });
  const capsule = h('div', { class: 'mh-capsule' },
    h('button', { class: 'mh-capsule-more', 'aria-label': 'More', onclick: onMore }, h('i'), h('i'), h('i')),
    h('span', { class: 'mh-capsule-sep' }),
    h('button', { class: 'mh-capsule-close', 'aria-label': 'Close', onclick: onClose }, h('i')));
  const bar = h('div', { class: 'mh-navbar' }, back, h('div', { class: 'mh-nav-center' }, loading, title));
  return { bar, back, title, loading, capsule };
}

export function toast(layer, { title = '', icon = 'success', image, mask, loading }) {
  const box = h('div', { class: 'mh-toast' + (icon === 'none' && !image && !loading ? ' mh-toast-text' : '') });
  if (image) box.append(h('img', { class: 'mh-toast-image', src: image, alt: '' }));
  else if (loading || icon === 'loading') box.append(h('span', { class: 'mh-toast-spinner' }));
  else if (icon === 'success') box.append(h('span', { class: 'mh-toast-icon mh-toast-success' }));
  else if (icon === 'error') box.append(h('span', { class: 'mh-toast-icon mh-toast-error' }));
  box.append(h('div', { class: 'mh-toast-title', text: String(title) }));
  const wrap = h('div', { class: 'mh-toast-wrap' + (mask ? ' mh-mask-clear' : ''), role: 'status' }, box);
  layer.append(wrap);
  return wrap;
}

export function modal(layer, opts) {
  return new Promise((resolve) => {
    let input = null;
    const done = (confirm) => {
      wrap.remove();
      resolve({ confirm, cancel: !confirm, content: input ? input.value : undefined });
    };
    const buttons = [];
    if (opts.showCancel !== false) {
      buttons.push(h('button', { class: 'mh-modal-btn mh-modal-cancel', style: { color: opts.cancelColor || '#000000' }, onclick: () => done(false), text: opts.cancelText || '取消' }));
    }
    buttons.push(h('button', { class: 'mh-modal-btn mh-modal-confirm', style: { color: opts.confirmColor || '#576B95' }, onclick: () => done(true), text: opts.confirmText || '确定' }));
    if (opts.editable) input = h('input', { class: 'mh-modal-input', placeholder: opts.placeholderText || '', value: opts.content || '' });
    const wrap = h('div', { class: 'mh-modal-mask', role: 'dialog', 'aria-modal': 'true' },
      h('div', { class: 'mh-modal' },
        opts.title ? h('div', { class: 'mh-modal-title', text: String(opts.title) }) : null,
        input || (opts.content ? h('div', { class: 'mh-modal-content', text: String(opts.content) }) : null),
        h('div', { class: 'mh-modal-buttons' }, buttons)));
    layer.append(wrap);
  });
}

export function actionSheet(layer, { itemList = [], itemColor, alertText }) {
  return new Promise((resolve) => {
    const close = (index) => {
      wrap.remove();
      resolve(index);
    };
    const items = itemList.map((t, i) => h('button', { class: 'mh-sheet-item', style: { color: itemColor || '#000000' }, onclick: () => close(i), text: String(t) }));
    const wrap = h('div', { class: 'mh-sheet-mask', onclick: (e) => e.target === wrap && close(-1) },
      h('div', { class: 'mh-sheet' },
        alertText ? h('div', { class: 'mh-sheet-alert', text: String(alertText) }) : null,
        items,
        h('button', { class: 'mh-sheet-item mh-sheet-cancel', onclick: () => close(-1), text: '取消' })));
    layer.append(wrap);
  });
}

export function tabBar(cfg, assetUrl, onTap) {
  const bar = h('div', { class: 'mh-tabbar' + (cfg.position === 'top' ? ' mh-tabbar-top' : '') });
  bar.style.backgroundColor = cfg.backgroundColor || '#ffffff';
  bar.style.borderColor = cfg.borderStyle === 'white' ? '#f0f0f0' : 'rgba(0,0,0,.1)';
  const items = (cfg.list || []).map((item, index) => {
    const img = item.iconPath && cfg.position !== 'top' ? h('img', { class: 'mh-tab-icon', alt: '', src: assetUrl(item.iconPath) }) : null;
    const badge = h('span', { class: 'mh-tab-badge', hidden: true });
    const label = h('span', { class: 'mh-tab-text', text: item.text || '' });
    const el = h('button', { class: 'mh-tab', onclick: () => onTap(index) }, h('span', { class: 'mh-tab-iconwrap' }, img, badge), label);
    bar.append(el);
    return { el, img, label, badge, item };
  });
  return {
    bar,
    items,
    select(route) {
      items.forEach(({ el, img, label, item }) => {
        const on = item.pagePath.replace(/^\//, '').replace(/\.html$/, '') === route;
        el.classList.toggle('mh-tab-selected', on);
        label.style.color = on ? cfg.selectedColor || '#07c160' : cfg.color || '#7A7E83';
        if (img) img.src = assetUrl(on && item.selectedIconPath ? item.selectedIconPath : item.iconPath);
      });
    },
  };
}
