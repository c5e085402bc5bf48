// Notes live under one storage key as an array, newest first.
const NOTES_KEY = 'notes'
const DRAFT_KEY = 'draft'

function loadNotes() {
  try {
    return wx.getStorageSync(NOTES_KEY) || []
  } catch (e) {
    console.error('could not read notes', e)
    return []
  }
}

function saveNotes(notes) {
  wx.setStorageSync(NOTES_KEY, notes)
}

function addNote(title, content) {
  const notes = loadNotes()
  notes.unshift({ id: Date.now(), title, content })
  saveNotes(notes)
  return notes
}

function deleteNote(id) {
  const notes = loadNotes().filter((n) => n.id !== id)
  saveNotes(notes)
  return notes
}

module.exports = {
  NOTES_KEY,
  DRAFT_KEY,
  loadNotes,
  addNote,
  deleteNote
}
