const countDone = (todos) => todos.filter((t) => t.done).length

Page({
  data: {
    todos: [
      { id: 1, title: 'Buy milk', done: false },
      { id: 2, title: 'Write report', done: true },
      { id: 3, title: 'Call mom', done: false }
    ],
    doneCount: 1,
    nextId: 4,
    newTitle: '',
    tags: ['work', 'home', 'urgent'],
    tagCount: 3,
    groups: [
      { name: 'Fruits', items: ['Apple', 'Banana'] },
      { name: 'Vegetables', items: ['Carrot', 'Pea', 'Leek'] }
    ],
    specs: [
      { label: 'Name', value: 'Minihost' },
      { label: 'Version', value: '1.0.0' },
      { label: 'License', value: 'MIT' }
    ]
  },

  updateTodos(todos) {
    this.setData({ todos, doneCount: countDone(todos) })
  },

  toggleTodo(e) {
    const { index } = e.currentTarget.dataset
    const done = !this.data.todos[index].done
    // only the changed field goes over to the view
    this.setData({ [`todos[${index}].done`]: done })
    this.setData({ doneCount: countDone(this.data.todos) })
  },

  markThirdDone() {
    if (this.data.todos.length < 3) {
      return
    }
    this.setData({ 'todos[2].done': true })
    this.setData({ doneCount: countDone(this.data.todos) })
  },

  onTitleInput(e) {
    this.setData({ newTitle: e.detail.value })
  },

  addTodo() {
    const { nextId, newTitle } = this.data
    const title = newTitle.trim() || `Task ${nextId}`
    const todos = [...this.data.todos, { id: nextId, title, done: false }]
    this.setData({ nextId: nextId + 1, newTitle: '' })
    this.updateTodos(todos)
  },

  removeTodo(e) {
    const { index } = e.currentTarget.dataset
    const todos = this.data.todos.slice()
    todos.splice(index, 1)
    this.updateTodos(todos)
  },

  moveUp(e) {
    const { index } = e.currentTarget.dataset
    if (index <= 0) {
      return
    }
    const todos = this.data.todos.slice()
    const [row] = todos.splice(index, 1)
    todos.splice(index - 1, 0, row)
    this.updateTodos(todos)
  },

  reverse() {
    this.updateTodos(this.data.todos.slice().reverse())
  },

  addTag() {
    const tagCount = this.data.tagCount + 1
    this.setData({
      tags: [...this.data.tags, `tag${tagCount}`],
      tagCount
    })
  }
})
