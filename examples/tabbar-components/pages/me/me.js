const app = getApp()

Page({
  data: {
    lastChange: 'none',
    cartCount: 0
  },

  onShow() {
    this.setData({ cartCount: app.globalData.cart.length })
  },

  onCupsChange(e) {
    this.setData({ lastChange: e.detail.value })
  },

  backHome() {
    wx.switchTab({ url: '/pages/home/home' })
  }
})
