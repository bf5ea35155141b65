'use strict';

// plotly.js core plus the trace types of every chart but the map: bar, scatter.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/scatter'),
]);

module.exports = Plotly;
