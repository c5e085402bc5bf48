const app = getApp()

Page({
  data: { lines: [], total: 0 },
  onShow() {
    const cart = app.globalData.cart
    const lines = app.globalData.products
      .filter((p) => cart[p.id])
      .map((p) => ({ id: p.id, name: p.name, price: p.price, qty: cart[p.id] }))
    const total = lines.reduce((sum, l) => sum + l.price * l.qty, 0)
    this.setData({ lines, total })
  }
})
