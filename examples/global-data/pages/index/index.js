const app = getApp()

Page({
  data: {
    userName: '',
    visits: 0,
    draft: '',
    logText: ''
  },

  onShow() {
    // another page may have changed globalData while this one was hidden
    this.refresh()
  },

  refresh() {
    const { userName, visits, logs } = app.globalData
    this.setData({
      userName,
      visits,
      logText: logs.join(', ')
    })
  },

  onNameInput(e) {
    this.setData({ draft: e.detail.value })
  },

  saveName() {
    const name = this.data.draft.trim()
    if (!name) {
      return
    }
    app.globalData.userName = name
    this.setData({ draft: '' })
    this.refresh()
  },

  openProfile() {
    wx.navigateTo({ url: '/pages/profile/profile' })
  }
})
