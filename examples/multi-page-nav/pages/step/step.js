var lifecycle = require('../../utils/lifecycle.js')

Page({
  data: {
    from: '',
    stack: '',
    log: []
  },

  onLoad: function (options) {
    lifecycle.add('step', 'onLoad')
    this.setData({ from: options.from || 'nowhere' })
  },

  onShow: function () {
    lifecycle.add('step', 'onShow')
    this.refresh()
  },

  onReady: function () {
    lifecycle.add('step', 'onReady')
    this.refresh()
  },

  onHide: function () {
    lifecycle.add('step', 'onHide')
  },

  onUnload: function () {
    lifecycle.add('step', 'onUnload')
  },

  refresh: function () {
    this.setData({
      stack: lifecycle.stackText(),
      log: lifecycle.all()
    })
  },

  backHome: function () {
    wx.reLaunch({ url: '/pages/index/index' })
  }
})
