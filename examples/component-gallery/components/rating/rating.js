// A star rating that takes part in <form> submit like a built-in field.
Component({
  behaviors: ['wx://form-field'],
  properties: { max: { type: Number, value: 5 } },
  data: { stars: [] },
  observers: {
    'value, max': function (value, max) {
      const n = Number(value) || 0;
      this.setData({ stars: Array.from({ length: max }, (_, i) => i < n) });
    },
  },
  lifetimes: {
    attached() {
      this.setData({ value: Number(this.data.value) || 0 });
    },
  },
  methods: {
    rate(e) {
      this.setData({ value: e.currentTarget.dataset.n });
    },
  },
});
