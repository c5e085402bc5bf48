Page({
  data: {
    items: [
      { id: 1, title: 'Edit pages/home/home.wxml' },
      { id: 2, title: 'Run minihost dev to see it live' },
      { id: 3, title: 'Run minihost upload to publish' }
    ]
  }
})
