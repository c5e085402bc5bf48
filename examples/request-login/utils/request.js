const config = require('../config.js')

class HttpError extends Error {
  constructor(statusCode, data) {
    super(`HTTP ${statusCode}`)
    this.statusCode = statusCode
    this.data = data
  }
}

// wx.request wrapped in a Promise; adds the base URL and the saved token.
function request({ url, method = 'GET', data, auth = true }) {
  const header = { 'content-type': 'application/json' }
  const token = wx.getStorageSync('token')
  if (auth && token) {
    header.Authorization = `Bearer ${token}`
  }
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${config.baseUrl}${url}`,
      method,
      data,
      header,
      dataType: 'json',
      success(res) {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(res.data)
        } else {
          reject(new HttpError(res.statusCode, res.data))
        }
      },
      fail(err) {
        reject(new Error(err.errMsg))
      }
    })
  })
}

module.exports = {
  request,
  HttpError,
  get: (url, data) => request({ url, data }),
  post: (url, data) => request({ url, method: 'POST', data })
}
