const app = getApp()

Page({
  data: {
    coffees: 0,
    showProbe: true,
    probeLog: ''
  },

  onReady() {
    this.readProbeLog()
  },

  onCoffeeChange(e) {
    this.setData({ coffees: e.detail.value })
  },

  resetCounter() {
    this.setData({ coffees: 0 })
  },

  toggleProbe() {
    // read the log once the view has added or removed the component
    this.setData({ showProbe: !this.data.showProbe }, () => {
      this.readProbeLog()
    })
  },

  readProbeLog() {
    this.setData({ probeLog: app.globalData.probeLog.join(', ') })
  },

  goMe() {
    wx.switchTab({ url: '/pages/me/me' })
  }
})
