const DEFAULT_TITLE = 'Window Config'
const DEFAULT_COLOR = '#07c160'

Page({
  data: {
    title: DEFAULT_TITLE,
    color: DEFAULT_COLOR,
    status: 'Ready'
  },

  setTitle() {
    const title = 'Title Changed'
    wx.setNavigationBarTitle({
      title,
      success: () => {
        this.setData({ title, status: `Title set: ${title}` })
      },
      fail: (err) => {
        this.setData({ status: `Failed: ${err.errMsg}` })
      }
    })
  },

  setColor() {
    const backgroundColor = '#ffcc00'
    wx.setNavigationBarColor({
      frontColor: '#000000',
      backgroundColor,
      animation: {
        duration: 0,
        timingFunc: 'linear'
      },
      success: () => {
        this.setData({ color: backgroundColor, status: `Color set: ${backgroundColor}` })
      },
      fail: (err) => {
        this.setData({ status: `Failed: ${err.errMsg}` })
      }
    })
  },

  reset() {
    wx.setNavigationBarTitle({ title: DEFAULT_TITLE })
    wx.setNavigationBarColor({
      frontColor: '#ffffff',
      backgroundColor: DEFAULT_COLOR
    })
    this.setData({
      title: DEFAULT_TITLE,
      color: DEFAULT_COLOR,
      status: 'Reset'
    })
  }
})
