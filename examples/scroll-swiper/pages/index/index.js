const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

Page({
  data: {
    banners: [
      { id: 1, image: '/images/banner-1.png', caption: 'Fresh coffee' },
      { id: 2, image: '/images/banner-2.png', caption: 'Matcha week' },
      { id: 3, image: '/images/banner-3.png', caption: 'Gift cards' }
    ],
    current: 0,
    source: '',
    autoplay: true,
    categories: ['All', 'Coffee', 'Tea', 'Juice', 'Snacks', 'Bakery', 'Desserts', 'Merch'],
    category: 'All',
    rows: range(1, 20),
    maxRows: 50,
    loading: false,
    intoView: '',
    photoSize: 'Photo not loaded'
  },

  onSwiperChange(e) {
    const { current, source } = e.detail
    this.setData({ current, source })
  },

  toggleAutoplay() {
    this.setData({ autoplay: !this.data.autoplay })
  },

  nextSlide() {
    const next = (this.data.current + 1) % this.data.banners.length
    this.setData({ current: next })
  },

  selectCategory(e) {
    this.setData({ category: e.currentTarget.dataset.name })
  },

  loadMore() {
    const { rows, maxRows, loading } = this.data
    if (loading || rows.length >= maxRows) {
      return
    }
    this.setData({ loading: true })
    // pretend to fetch the next page
    setTimeout(() => {
      const last = rows.length
      this.setData({
        rows: rows.concat(range(last + 1, Math.min(last + 10, maxRows))),
        loading: false
      })
    }, 300)
  },

  jumpTo15() {
    this.setData({ intoView: 'row-15' })
  },

  onPhotoLoad(e) {
    const { width, height } = e.detail
    this.setData({ photoSize: `Photo: ${width}x${height}` })
  }
})
