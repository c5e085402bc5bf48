// index.js
Page({
  data: {
    message: 'Hello World',
    taps: 0
  },

  changeText: function () {
    var taps = this.data.taps + 1
    this.setData({
      message: taps % 2 === 1 ? 'Hello Minihost' : 'Hello World',
      taps: taps
    })
  }
})
