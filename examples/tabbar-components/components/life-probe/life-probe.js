const app = getApp()

Component({
  properties: {
    name: {
      type: String,
      value: 'A'
    }
  },

  data: {
    status: 'created'
  },

  lifetimes: {
    attached() {
      app.globalData.probeLog.push(`${this.data.name} attached`)
      this.setData({ status: 'attached' })
    },
    detached() {
      app.globalData.probeLog.push(`${this.data.name} detached`)
    }
  }
})
