const auth = require('../../utils/auth.js')
const { get, HttpError } = require('../../utils/request.js')

Page({
  data: {
    token: '',
    nickName: '',
    status: '',
    busy: false,
    profile: null,
    orders: null
  },

  onLoad() {
    const token = auth.getToken()
    const user = auth.getUser()
    if (token) {
      this.setData({
        token,
        nickName: user ? user.nickName : '',
        status: 'Token restored'
      })
    }
  },

  async onLogin() {
    this.setData({ busy: true, status: 'Logging in...' })
    try {
      const { token, user } = await auth.login()
      this.setData({ token, nickName: user.nickName, status: 'Login succeeded' })
      wx.showToast({ title: 'Logged in', icon: 'success' })
    } catch (err) {
      this.showError(err)
    } finally {
      this.setData({ busy: false })
    }
  },

  async onLoadProfile() {
    this.setData({ busy: true })
    try {
      const profile = await get('/api/profile')
      this.setData({ profile, status: 'Profile loaded' })
    } catch (err) {
      this.showError(err)
    } finally {
      this.setData({ busy: false })
    }
  },

  async onLoadOrders() {
    this.setData({ busy: true })
    try {
      const { orders } = await get('/api/orders', { page: 1 })
      this.setData({ orders, status: 'Orders loaded' })
    } catch (err) {
      this.showError(err)
    } finally {
      this.setData({ busy: false })
    }
  },

  onLogout() {
    auth.logout()
    this.setData({ token: '', nickName: '', profile: null, orders: null, status: 'Logged out' })
  },

  showError(err) {
    if (err instanceof HttpError && err.statusCode === 401) {
      auth.logout()
      this.setData({
        token: '',
        nickName: '',
        profile: null,
        orders: null,
        status: 'Session expired, please log in again'
      })
      return
    }
    this.setData({ status: `Request failed: ${err.message}` })
  }
})
