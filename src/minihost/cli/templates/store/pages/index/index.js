const app = getApp()

Page({
  data: { products: [] },
  onLoad() {
    this.setData({ products: app.globalData.products })
  },
  add(e) {
    app.addToCart(e.currentTarget.dataset.id)
    wx.showToast({ title: 'Added' })
  }
})
