import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()

// Tables that fold into cards on a phone (.misper-stack): label each cell with its column's heading,
// where the template has not already.
for (const table of document.querySelectorAll('table.misper-stack')) {
  const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim())
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      if (!cell.hasAttribute('data-label')) cell.setAttribute('data-label', headings[i] || '')
    })
  }
}
