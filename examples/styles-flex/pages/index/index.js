var colors = require('../../utils/colors.js')

Page({
  data: {
    cells: ['1', '2', '3', '4', '5', '6', '7'],
    active: false,
    width: 200,
    colorIndex: 0,
    color: colors.colorAt(0)
  },

  toggleActive: function () {
    this.setData({ active: !this.data.active })
  },

  grow: function () {
    var width = this.data.width + 50
    if (width > 650) {
      width = 200
    }
    this.setData({ width: width })
  },

  nextColor: function () {
    var index = this.data.colorIndex + 1
    this.setData({
      colorIndex: index,
      color: colors.colorAt(index)
    })
  }
})
