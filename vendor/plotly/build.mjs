// Build the bundles of BUNDLES (plotly-csec[-<name>]-<version>.min.js) and manifest.json with
// plotly.js's esbuild settings. Each bundle's `csecTraces` lists the trace types it registers.
// Two trims (README.md, "What is left out"): the components no figure uses are not registered
// by plotly.js's core, and two geo dependencies that the county map does not call are stubs.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const BUNDLES = { charts: 'entry.js', map: 'entry-map.js' };
const UNUSED_COMPONENTS = [
    'annotations3d', 'images', 'updatemenus', 'sliders', 'rangeslider', 'rangeselector', 'errorbars',
];
const STUBS = {
    'country-iso-search': './stubs/country-iso-search.js',
    'd3-geo-projection': './stubs/d3-geo-projection.js',
};
const plotly = 'node_modules/plotly.js';
const version = JSON.parse(readFileSync(`${plotly}/package.json`, 'utf8')).version;
const licence = readFileSync(`${plotly}/dist/plotly.min.js`, 'utf8').split('*/')[0]; // upstream header
const bundles = {};

// plotly.js's src/core.js registers every component; drop the unused ones' lines (or fail).
const withoutUnusedComponents = {
    name: 'without-unused-components',
    setup(b) {
        b.onLoad({ filter: /plotly\.js[\\/]src[\\/]core\.js$/ }, (args) => {
            let source = readFileSync(args.path, 'utf8');
            for (const component of UNUSED_COMPONENTS) {
                const line = new RegExp(`\\n\\s*require\\('\\./components/${component}'\\),?[^\\n]*`);
                if (!line.test(source)) {
                    throw new Error(`plotly.js core no longer registers ${component}`);
                }
                source = source.replace(line, '');
            }
            return { contents: source, loader: 'js' };
        });
    },
};

for (const [name, entry] of Object.entries(BUNDLES)) {
    const traces = [...readFileSync(entry, 'utf8').matchAll(/require\('plotly\.js\/lib\/(\w+)'\)/g)]
        .map((m) => m[1])
        .filter((trace) => trace !== 'core');
    const header = `${licence.replace('plotly.js v', `plotly.js (csec: ${traces.join(', ')} - minified) v`)}*/`;
    const file = `plotly-csec-${name}-${version}.min.js`;
    await build({
        entryPoints: [entry],
        outfile: file,
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        target: 'es2016',
        loader: { '.css': 'empty' }, // maplibre-gl's CSS, required only when a map trace registers
        alias: { regl: '@plotly/regl', ...STUBS },
        plugins: [withoutUnusedComponents],
        define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
        banner: { js: header },
        footer: { js: `Plotly.csecTraces=${JSON.stringify(traces)};` },
        logLevel: 'info',
    });
    bundles[name] = { traces, file };
}
writeFileSync('manifest.json', `${JSON.stringify({ 'plotly.js': version, bundles }, null, 2)}\n`);
