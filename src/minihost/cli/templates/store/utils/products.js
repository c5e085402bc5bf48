module.exports = [
  { id: 'tea', name: 'Green tea', price: 1200 },
  { id: 'bun', name: 'Steamed bun', price: 450 },
  { id: 'rice', name: 'Fried rice', price: 2200 }
]
