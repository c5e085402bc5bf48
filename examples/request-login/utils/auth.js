const { request } = require('./request.js')

const TOKEN_KEY = 'token'
const USER_KEY = 'user'

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new Error(res.errMsg))),
      fail: (err) => reject(new Error(err.errMsg))
    })
  })
}

// wx.login gives a one-time code; our backend trades it for a session token.
async function login() {
  const code = await wxLogin()
  const data = await request({ url: '/api/login', method: 'POST', data: { code }, auth: false })
  wx.setStorageSync(TOKEN_KEY, data.token)
  wx.setStorageSync(USER_KEY, data.user)
  return data
}

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || ''
}

function getUser() {
  return wx.getStorageSync(USER_KEY) || null
}

function logout() {
  wx.removeStorageSync(TOKEN_KEY)
  wx.removeStorageSync(USER_KEY)
}

module.exports = {
  login,
  getToken,
  getUser,
  logout
}
