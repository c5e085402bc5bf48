var DRINKS = ['Coffee', 'Tea', 'Juice']

Page({
  data: {
    lastToast: 'none yet',
    loading: false,
    loadingText: 'Not loaded',
    modalResult: 'not opened',
    sheetResult: 'No drink chosen'
  },

  showSuccessToast: function () {
    wx.showToast({
      title: 'Saved',
      icon: 'success',
      duration: 1500
    })
    this.setData({ lastToast: 'success' })
  },

  showTextToast: function () {
    wx.showToast({
      title: 'Just some text',
      icon: 'none',
      duration: 2000
    })
    this.setData({ lastToast: 'none' })
  },

  showLoadingToast: function () {
    wx.showToast({
      title: 'Working',
      icon: 'loading',
      duration: 1000,
      mask: true
    })
    this.setData({ lastToast: 'loading' })
  },

  simulateLoading: function () {
    var that = this
    that.setData({ loading: true, loadingText: 'Loading...' })
    wx.showLoading({
      title: 'Loading',
      mask: true
    })
    setTimeout(function () {
      wx.hideLoading()
      that.setData({ loading: false, loadingText: 'Loaded 3 items' })
    }, 1000)
  },

  openModal: function () {
    var that = this
    wx.showModal({
      title: 'Delete item',
      content: 'Are you sure you want to delete this item?',
      confirmText: 'Delete',
      cancelText: 'Keep',
      success: function (res) {
        if (res.confirm) {
          that.setData({ modalResult: 'confirmed' })
        } else if (res.cancel) {
          that.setData({ modalResult: 'cancelled' })
        }
      }
    })
  },

  openActionSheet: function () {
    var that = this
    wx.showActionSheet({
      itemList: DRINKS,
      success: function (res) {
        that.setData({ sheetResult: 'You chose: ' + DRINKS[res.tapIndex] })
      },
      fail: function (res) {
        that.setData({ sheetResult: 'Action sheet cancelled' })
      }
    })
  }
})
