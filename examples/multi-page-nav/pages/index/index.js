var lifecycle = require('../../utils/lifecycle.js')

Page({
  data: {
    stack: '',
    log: []
  },

  onLoad: function (query) {
    lifecycle.add('index', 'onLoad')
  },

  onShow: function () {
    lifecycle.add('index', 'onShow')
    this.refresh()
  },

  onReady: function () {
    lifecycle.add('index', 'onReady')
    this.refresh()
  },

  onHide: function () {
    lifecycle.add('index', 'onHide')
  },

  onUnload: function () {
    lifecycle.add('index', 'onUnload')
  },

  refresh: function () {
    this.setData({
      stack: lifecycle.stackText(),
      log: lifecycle.all()
    })
  },

  openItem: function () {
    wx.navigateTo({
      url: '/pages/detail/detail?id=3&name=apple'
    })
  },

  relaunch: function () {
    wx.reLaunch({
      url: '/pages/index/index'
    })
  },

  clearLog: function () {
    lifecycle.clear()
    this.refresh()
  }
})
