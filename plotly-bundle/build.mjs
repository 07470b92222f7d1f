// Builds plotly-guide.min.js: Plotly.js with only the trace types the guide draws.
// The full bundle is 4.8 MB and takes ~0.75 s of CPU to run on every page load; this one
// is about a quarter of that. Run `npm ci && npm run build` here after changing TRACES
// or the plotly.js version, and commit the result (the app never builds anything).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

// scatter is part of plotly.js's core: every bundle has it. tests/test_plotly_bundle.py
// checks that every trace type the app's code names is here.
const TRACES = ['bar', 'heatmap', 'histogram', 'sunburst', 'treemap'];

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(require.resolve('plotly.js/package.json')));
const entry = [
  "var Plotly = require('plotly.js/lib/core');",
  `Plotly.register([${TRACES.map((t) => `require('plotly.js/lib/${t}')`).join(', ')}]);`,
  'module.exports = Plotly;',
].join('\n');

await build({
  stdin: { contents: entry, resolveDir: import.meta.dirname, loader: 'js' },
  outfile: 'plotly-guide.min.js',
  banner: {
    js: `/*! plotly.js v${version} | MIT | the guide's bundle, traces: scatter ${TRACES.join(' ')} */`,
  },
  format: 'iife',
  globalName: 'Plotly',
  bundle: true,
  minify: true,
  // The one CSS file plotly.js imports is maplibre's, for map traces, which are not here.
  loader: { '.css': 'empty' },
  define: { global: 'window', 'define.amd': 'false' },
  target: 'es2016',
  logLevel: 'info',
});
