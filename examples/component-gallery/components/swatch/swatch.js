Component({
  options: { pureDataPattern: /^_/ },
  properties: { color: Object },
  data: { _secret: 'logic only', log: [], sizes: [1, 2], changes: 0 },
  observers: {
    'color.r, color.g': function (r, g) {
      this.setData({ log: this.data.log.concat(`rg=${r},${g}`) });
    },
    'sizes[0]': function (first) {
      this.setData({ log: this.data.log.concat(`first=${first}`) });
    },
    '**': function () {
      // any field: counts setData rounds (guarded so it settles)
      if (!this._counting) {
        this._counting = true;
        this.setData({ changes: this.data.changes + 1 });
        this._counting = false;
      }
    },
  },
  methods: {
    grow() {
      this.setData({ 'sizes[0]': this.data.sizes[0] + 1, _secret: 'changed' });
    },
  },
});
