// The daily management board refreshes itself: every few seconds it fetches the board's fragment and
// swaps it in, without reloading the page or moving keyboard focus, and announces new cases to screen
// readers through a polite live region.
const live = document.getElementById('board-live')
const status = document.getElementById('board-status')
const updated = document.getElementById('board-updated')

function episodes (root) {
  const rows = root.querySelectorAll('[data-episode-id]')
  return new Map([...rows].map(row => [row.dataset.episodeId, row.dataset.childName]))
}

function approvals (root) {
  return root.querySelectorAll('[data-assessment-id]').length
}

function describe (before, after, approvalsBefore, approvalsAfter) {
  const added = [...after.keys()].filter(id => !before.has(id)).map(id => after.get(id))
  const gone = [...before.keys()].filter(id => !after.has(id)).length
  const parts = []
  if (added.length) parts.push(`${added.length} new: ${added.join(', ')}`)
  if (gone) parts.push(`${gone} no longer missing`)
  if (approvalsAfter !== approvalsBefore) parts.push(`${approvalsAfter} gradings waiting for approval`)
  return parts.length ? `Board updated. ${parts.join('. ')}.` : ''
}

async function refresh () {
  // Never swap the content under someone working in it with the keyboard.
  if (live.contains(document.activeElement)) return
  let response
  try {
    response = await fetch(live.dataset.fragmentUrl, { credentials: 'same-origin', cache: 'no-store' })
  } catch {
    return
  }
  if (!response.ok) return
  const html = await response.text()
  const next = document.createElement('div')
  next.innerHTML = html
  const message = describe(episodes(live), episodes(next), approvals(live), approvals(next))
  live.replaceChildren(...next.childNodes)
  const time = live.querySelector('[data-board-time]')
  if (time && updated) updated.textContent = `Last updated ${time.dataset.boardTime}.`
  if (message) status.textContent = message
}

if (live) {
  const seconds = Number(live.dataset.pollSeconds) || 15
  setInterval(refresh, seconds * 1000)
}
