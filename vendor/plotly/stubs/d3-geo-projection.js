// Stands in for d3-geo-projection: the county map's projection (mercator) is one of d3-geo's own,
// which plotly.js looks up first.
module.exports = {};
