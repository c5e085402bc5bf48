// Inline-SVG shapes of <icon type>, on a 24x24 grid; even-odd fill cuts the glyph out of the disc.
const DISC = 'M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22z';
const CHECK = 'M10.1 15.9 6.3 12.1l-1.2 1.2 5 5 8.8-8.8-1.2-1.2z';
const CROSS = 'M8.1 6.9 12 10.8l3.9-3.9 1.2 1.2-3.9 3.9 3.9 3.9-1.2 1.2-3.9-3.9-3.9 3.9-1.2-1.2 3.9-3.9-3.9-3.9z';
export const ICONS = {
  success: { color: '#07c160', paths: [DISC + CHECK] },
  success_no_circle: { color: '#07c160', paths: [CHECK] },
  info: { color: '#10aeff', paths: [DISC + 'M11 10h2v8h-2zM11 6h2v2h-2z'] },
  warn: { color: '#f76260', paths: [DISC + 'M11 6h2v8h-2zM11 16h2v2h-2z'] },
  waiting: { color: '#10aeff', paths: [DISC + 'M11.2 5.5h1.6v6.1l4.1 2.4-.8 1.4-4.9-2.9z'] },
  cancel: { color: '#f43530', paths: [DISC + CROSS] },
  download: { color: '#07c160', paths: [DISC + 'M11.2 5.5h1.6v8.6l3-3 1.1 1.1-4.9 4.9-4.9-4.9 1.1-1.1 3 3zM7 17.5h10V19H7z'] },
  search: { color: '#b2b2b2', paths: ['M10.5 3a7.5 7.5 0 1 0 4.6 13.4l4.7 4.7 1.3-1.3-4.7-4.7A7.5 7.5 0 0 0 10.5 3zm0 1.8a5.7 5.7 0 1 1 0 11.4 5.7 5.7 0 0 1 0-11.4z'] },
  clear: { color: '#b2b2b2', paths: [DISC + CROSS] },
  circle: { color: '#c9c9c9', paths: ['M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22zm0 1.5a9.5 9.5 0 1 1 0 19a9.5 9.5 0 1 1 0-19z'] },
  info_circle: { color: '#10aeff', paths: ['M12 1a11 11 0 1 0 0 22a11 11 0 1 0 0-22zm0 1.5a9.5 9.5 0 1 1 0 19a9.5 9.5 0 1 1 0-19zM11.2 10h1.6v8h-1.6zM11.2 6h1.6v2h-1.6z'] },
};
