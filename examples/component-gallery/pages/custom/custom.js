Page({
  data: {
    tabs: ['Home', 'News'],
    color: { r: 10, g: 20, b: 200 },
    names: ['Alpha', 'Beta'],
    exported: '',
    cellCount: 0,
  },
  addTab() {
    this.setData({ tabs: this.data.tabs.concat('Tab' + (this.data.tabs.length + 1)) });
  },
  dropTab() {
    this.setData({ tabs: this.data.tabs.slice(0, -1) });
  },
  redder() {
    this.setData({ 'color.r': this.data.color.r + 100 });
  },
  inspect() {
    const first = this.selectComponent('#first-cell');
    const all = this.selectAllComponents('.cell');
    this.setData({ exported: JSON.stringify(first), cellCount: all.length });
  },
});
