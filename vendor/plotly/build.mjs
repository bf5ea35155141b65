// Build plotly-csec-<version>.min.js and manifest.json from entry.js with plotly.js's esbuild settings.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const plotly = 'node_modules/plotly.js';
const version = JSON.parse(readFileSync(`${plotly}/package.json`, 'utf8')).version;
const traces = [...readFileSync('entry.js', 'utf8').matchAll(/require\('plotly\.js\/lib\/(\w+)'\)/g)]
    .map((m) => m[1])
    .filter((name) => name !== 'core');
const licence = readFileSync(`${plotly}/dist/plotly.min.js`, 'utf8').split('*/')[0]; // upstream header
const header = `${licence.replace('plotly.js v', `plotly.js (csec: ${traces.join(', ')} - minified) v`)}*/`;
const outfile = `plotly-csec-${version}.min.js`;

await build({
    entryPoints: ['entry.js'],
    outfile,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    target: 'es2016',
    loader: { '.css': 'empty' }, // maplibre-gl's CSS, required only when a map trace registers
    alias: { regl: '@plotly/regl' },
    define: { global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false' },
    banner: { js: header },
    logLevel: 'info',
});
const manifest = { 'plotly.js': version, traces, file: outfile };
writeFileSync('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
