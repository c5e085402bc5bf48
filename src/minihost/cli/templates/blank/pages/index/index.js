Page({
  data: { greeting: 'Hello, mini program!', count: 0 },
  tap() {
    this.setData({ count: this.data.count + 1 })
  }
})
