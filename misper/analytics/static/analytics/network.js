// The problem profile's network of adults linked to several missing children, drawn with Cytoscape.js
// (vendored) from the inert JSON block the page carries. The table below the network holds the same links.
import cytoscape from './vendor/cytoscape.esm.min.js'

const container = document.getElementById('network')
const source = document.getElementById('network-data')
if (container && source) {
  const data = JSON.parse(source.textContent)
  const elements = [
    ...data.nodes.map(n => ({ data: { id: n.id, label: n.kind === 'child' ? `${n.label} (${n.episodes})` : n.label, kind: n.kind } })),
    ...data.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, label: e.label } }))
  ]
  cytoscape({
    container,
    elements,
    layout: { name: 'cose', animate: false, nodeRepulsion: 8000, idealEdgeLength: 90 },
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 4 } },
      { selector: 'node[kind = "adult"]', style: { 'background-color': '#d4351c', shape: 'diamond', width: 26, height: 26 } },
      { selector: 'node[kind = "child"]', style: { 'background-color': '#1d70b8', width: 16, height: 16 } },
      { selector: 'edge', style: { width: 1.5, 'line-color': '#b1b4b6', 'curve-style': 'bezier' } }
    ]
  })
}
