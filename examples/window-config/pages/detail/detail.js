Page({
  data: {},

  goBack() {
    wx.navigateBack()
  }
})
