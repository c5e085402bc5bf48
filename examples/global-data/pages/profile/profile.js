Page({
  data: {
    userName: '',
    visits: 0
  },

  onLoad() {
    this.sync()
  },

  sync() {
    const { userName, visits } = getApp().globalData
    this.setData({ userName, visits })
  },

  addVisit() {
    getApp().globalData.visits += 1
    this.sync()
  },

  renameBob() {
    getApp().globalData.userName = 'Bob'
    this.sync()
  },

  goBack() {
    wx.navigateBack()
  }
})
