// Draws each figure's chart with Chart.js (loaded before this module as a static file) from the
// figure's inert JSON block: the same columns and rows as the table beside it, the CSV and the API.
const Chart = window.Chart
const PALETTE = ['#1d70b8', '#5694ca', '#d4351c', '#f47738', '#505a5f', '#00703c', '#4c2c92', '#f499be', '#b58840', '#28a197']

function colour (i) { return PALETTE[i % PALETTE.length] }

function numeric (v) { return typeof v === 'number' ? v : Number(v) || 0 }

function seriesDatasets (fig, stacked) {
  return fig.chart_columns.map((col, i) => ({
    label: fig.columns[col],
    data: fig.rows.map(row => numeric(row[col])),
    backgroundColor: colour(i),
    borderColor: colour(i),
    stack: stacked ? 'all' : undefined
  }))
}

// Month columns (YYYY-MM) follow the fixed columns of a trajectory table.
function monthStart (fig) { return fig.columns.findIndex(c => /^\d{4}-\d{2}$/.test(c)) }

function trajectoryDatasets (fig) {
  const start = monthStart(fig)
  return fig.rows.map((row, i) => ({
    label: `${row[0]} (${row[3]})`,
    data: row.slice(start),
    borderColor: colour(i),
    backgroundColor: colour(i),
    stepped: 'middle' // a count per month: a step, not a curve suggesting values between months
  }))
}

// The month still running is marked, so a low count so far does not read as a collapse.
const THIS_MONTH = new Date().toISOString().slice(0, 7)
function monthLabel (label) { return label === THIS_MONTH ? `${label} (so far)` : label }

function config (fig) {
  const stacked = fig.chart === 'stacked'
  if (fig.chart === 'trajectory') {
    return { type: 'line', data: { labels: fig.columns.slice(monthStart(fig)).map(monthLabel), datasets: trajectoryDatasets(fig) } }
  }
  // Monthly counts ('line' figures) are drawn as bars: one value per month, nothing between.
  const type = 'bar'
  const options = stacked ? { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } } : { scales: { y: { beginAtZero: true } } }
  const labels = fig.rows.map(row => monthLabel(String(row[0]).slice(0, 40)))
  return { type, data: { labels, datasets: seriesDatasets(fig, stacked) }, options }
}

for (const canvas of document.querySelectorAll('canvas[data-figure]')) {
  const source = document.getElementById(`fig-data-${canvas.dataset.figure}`)
  if (!Chart || !source) continue
  const fig = JSON.parse(source.textContent)
  const cfg = config(fig)
  cfg.options = { ...(cfg.options || {}), responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } }
  // eslint-disable-next-line no-new
  new Chart(canvas, cfg)
}
