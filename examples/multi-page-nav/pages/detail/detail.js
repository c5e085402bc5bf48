var lifecycle = require('../../utils/lifecycle.js')

Page({
  data: {
    id: '',
    name: '',
    stack: '',
    log: []
  },

  onLoad: function (query) {
    lifecycle.add('detail', 'onLoad')
    this.setData({
      id: query.id,
      name: query.name || 'unknown'
    })
  },

  onShow: function () {
    lifecycle.add('detail', 'onShow')
    this.refresh()
  },

  onReady: function () {
    lifecycle.add('detail', 'onReady')
    this.refresh()
  },

  onHide: function () {
    lifecycle.add('detail', 'onHide')
  },

  onUnload: function () {
    lifecycle.add('detail', 'onUnload')
  },

  refresh: function () {
    this.setData({
      stack: lifecycle.stackText(),
      log: lifecycle.all()
    })
  },

  goBack: function () {
    wx.navigateBack({
      delta: 1
    })
  },

  redirectToStep: function () {
    wx.redirectTo({
      url: '/pages/step/step?from=detail'
    })
  },

  openAbout: function () {
    wx.navigateTo({
      url: '/pages/about/about'
    })
  }
})
