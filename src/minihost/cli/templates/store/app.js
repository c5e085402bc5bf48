const products = require('./utils/products.js')

App({
  globalData: { products, cart: {} },
  addToCart(id) {
    const cart = this.globalData.cart
    cart[id] = (cart[id] || 0) + 1
    wx.setStorageSync('cart', cart)
  },
  onLaunch() {
    this.globalData.cart = wx.getStorageSync('cart') || {}
  }
})
