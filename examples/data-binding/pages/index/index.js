Page({
  data: {
    message: 'Welcome to data binding',
    name: 'Minihost',
    itemId: 7,
    a: 3,
    b: 4,
    price: 12,
    quantity: 3,
    score: 75,
    user: {
      name: 'Lily',
      age: 18,
      city: 'Shenzhen'
    },
    showTip: true,
    count: 0
  },

  setScore: function (e) {
    // dataset values written as plain text are strings
    this.setData({ score: Number(e.currentTarget.dataset.score) })
  },

  toggleTip: function () {
    this.setData({ showTip: !this.data.showTip })
  },

  increment: function () {
    this.setData({ count: this.data.count + 1 })
  },

  decrement: function () {
    if (this.data.count > 0) {
      this.setData({ count: this.data.count - 1 })
    }
  },

  reset: function () {
    this.setData({ count: 0 })
  }
})
