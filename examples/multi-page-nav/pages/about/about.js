var lifecycle = require('../../utils/lifecycle.js')

Page({
  data: {
    depth: 0,
    stack: '',
    log: []
  },

  onLoad: function () {
    lifecycle.add('about', 'onLoad')
  },

  onShow: function () {
    lifecycle.add('about', 'onShow')
    this.refresh()
  },

  onReady: function () {
    lifecycle.add('about', 'onReady')
    this.refresh()
  },

  onHide: function () {
    lifecycle.add('about', 'onHide')
  },

  onUnload: function () {
    lifecycle.add('about', 'onUnload')
  },

  refresh: function () {
    this.setData({
      depth: getCurrentPages().length,
      stack: lifecycle.stackText(),
      log: lifecycle.all()
    })
  }
})
