// Stands in for country-iso-search: the county map locates its areas by GeoJSON feature id, so
// plotly.js never looks up a country name (locationmode "country names" is not used).
module.exports = {
    COUNTRIES: [],
    createLookup: function () {
        return { lookupAlpha3: function () { return undefined; } };
    },
};
