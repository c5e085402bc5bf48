const app = getApp()

Page({
  data: { visits: 0 },
  onShow() {
    app.globalData.visits += 1
    this.setData({ visits: app.globalData.visits })
  }
})
