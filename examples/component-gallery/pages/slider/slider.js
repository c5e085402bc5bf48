Page({
  data: { brightness: 40, changing: '', changed: '', name: 'Ada', dark: false, speed: 2 },
  onChanging(e) {
    this.setData({ changing: 'changing ' + e.detail.value });
  },
  onChange(e) {
    this.setData({ changed: 'change ' + e.detail.value, brightness: e.detail.value });
  },
});
