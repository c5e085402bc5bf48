Component({
  properties: {
    label: {
      type: String,
      value: 'Count'
    },
    value: {
      type: Number,
      value: 0
    },
    step: {
      type: Number,
      value: 1
    },
    min: {
      type: Number,
      value: 0
    },
    max: {
      type: Number,
      value: 10
    },
    disabled: Boolean
  },

  data: {
    current: 0,
    atMax: false
  },

  observers: {
    // the page may set `value` again later, e.g. to reset the counter
    value(value) {
      this.setData({ current: value })
    },
    'current, max': function (current, max) {
      this.setData({ atMax: current >= max })
    }
  },

  lifetimes: {
    attached() {
      this.setData({
        current: this.data.value,
        atMax: this.data.value >= this.data.max
      })
    }
  },

  methods: {
    increase() {
      this.change(this.data.current + this.data.step)
    },

    decrease() {
      this.change(this.data.current - this.data.step)
    },

    change(next) {
      const { min, max } = this.data
      const value = Math.min(max, Math.max(min, next))
      this.setData({ current: value })
      this.triggerEvent('change', { value })
    }
  }
})
