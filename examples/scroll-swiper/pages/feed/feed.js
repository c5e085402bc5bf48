var PAGE_SIZE = 10
var MAX_PAGES = 3

function makePosts(page) {
  var posts = []
  for (var i = 1; i <= PAGE_SIZE; i++) {
    var id = (page - 1) * PAGE_SIZE + i
    posts.push({ id: id, body: 'This is post number ' + id + ' on page ' + page + '.' })
  }
  return posts
}

Page({
  data: {
    posts: makePosts(1),
    page: 1,
    noMore: false,
    refreshCount: 0,
    scrolledFar: false
  },

  onPullDownRefresh: function () {
    this.setData({
      posts: makePosts(1),
      page: 1,
      noMore: false,
      refreshCount: this.data.refreshCount + 1
    })
    wx.stopPullDownRefresh()
  },

  refresh: function () {
    // same as pulling down: shows the refresh animation and calls onPullDownRefresh
    wx.startPullDownRefresh()
  },

  onReachBottom: function () {
    if (this.data.noMore) {
      return
    }
    var page = this.data.page + 1
    this.setData({
      posts: this.data.posts.concat(makePosts(page)),
      page: page,
      noMore: page >= MAX_PAGES
    })
  },

  onPageScroll: function (e) {
    var far = e.scrollTop > 300
    // setData only when it changes; onPageScroll fires very often
    if (far !== this.data.scrolledFar) {
      this.setData({ scrolledFar: far })
    }
  },

  backToTop: function () {
    wx.pageScrollTo({
      scrollTop: 0,
      duration: 0
    })
  }
})
