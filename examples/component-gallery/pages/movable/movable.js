Page({
  data: { x: 0, y: 0, pos: '0,0', source: '', hx: 0 },
  onChange(e) {
    this.setData({ pos: `${Math.round(e.detail.x)},${Math.round(e.detail.y)}`, source: e.detail.source });
  },
  onRail(e) {
    this.setData({ hx: Math.round(e.detail.x) });
  },
  moveToCorner() {
    this.setData({ x: 200, y: 100 });
  },
});
