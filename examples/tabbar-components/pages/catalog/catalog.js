const app = getApp()

Page({
  data: {
    products: [
      { id: 1, name: 'Latte', price: 28, badge: 'Hot', badgeType: 'hot', tags: ['milk', 'espresso'], description: 'Espresso with steamed milk.' },
      { id: 2, name: 'Cold Brew', price: 32, badge: 'New', badgeType: 'new', tags: ['iced'], description: 'Steeped for 12 hours.' },
      { id: 3, name: 'Americano', price: 22, badge: '', badgeType: 'hot', tags: [], description: 'Espresso and hot water.' }
    ],
    selected: '',
    cartCount: 0
  },

  onShow() {
    this.setData({ cartCount: app.globalData.cart.length })
  },

  onSelect(e) {
    this.setData({ selected: e.detail.title })
  },

  addToCart(e) {
    const { id } = e.currentTarget.dataset
    app.globalData.cart.push(id)
    this.setData({ cartCount: app.globalData.cart.length })
  }
})
