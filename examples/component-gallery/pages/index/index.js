Page({
  data: {
    families: [
      { path: 'form', name: 'Form', desc: 'form, input, switch, checkbox, radio, label' },
      { path: 'picker', name: 'Pickers', desc: 'picker modes, picker-view' },
      { path: 'slider', name: 'Slider & progress', desc: 'slider, progress, model:value' },
      { path: 'richtext', name: 'Rich text', desc: 'rich-text from HTML and nodes' },
      { path: 'canvas', name: 'Canvas', desc: 'type="2d" and the legacy context' },
      { path: 'movable', name: 'Movable', desc: 'movable-area, movable-view' },
      { path: 'wxs', name: 'WXS', desc: 'modules, getDate, getRegExp, event handlers' },
      { path: 'custom', name: 'Custom components', desc: 'relations, behaviors, generics, slots' },
      { path: 'pagelevel', name: 'Page level', desc: 'page-container, match-media, editor, root-portal' },
    ],
  },
});
