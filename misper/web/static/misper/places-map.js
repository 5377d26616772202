// Places on a map (Leaflet, vendored), beside the plain list that carries the same information. Runs only
// when the page has a map container and a tile server is configured (MISPER_MAP_TILES); without either the
// list alone is the page. Names go in as text, never as HTML.
(function () {
  "use strict";
  var box = document.getElementById("places-map");
  var data = document.getElementById("places-data");
  if (!box || !data || !window.L) { return; }
  var places = JSON.parse(data.textContent);
  var map = window.L.map(box, { scrollWheelZoom: false });
  window.L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  places.forEach(function (p) {
    var label = document.createElement("span");
    label.textContent = p.label;
    window.L.marker([p.lat, p.lon], { title: p.label, alt: p.label }).addTo(map).bindPopup(label);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length === 1) { map.setView(bounds[0], 15); } else { map.fitBounds(bounds, { padding: [20, 20] }); }
}());
