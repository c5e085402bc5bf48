Component({
  properties: {
    text: String,
    type: {
      type: String,
      value: 'hot'
    }
  }
})
