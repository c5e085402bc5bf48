App({
  onLaunch() {
    const launches = wx.getStorageSync('launches') || 0
    wx.setStorageSync('launches', launches + 1)
  }
})
