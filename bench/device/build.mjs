// Bundles bench/device/dawnBpe.ts and dawnInference.ts, each into one Node file (the WGSL inlined as text, as
// Vite's `?raw` does in the page), so a bare GPU machine needs only node and the
// `webgpu` package beside it: node bench/device/build.mjs OUT_DIR
// (esbuild comes with Vite; not a direct dependency)
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const out = process.argv[2] ?? '.device-check';
await build({
  entryPoints: ['bench/device/dawnBpe.ts', 'bench/device/dawnInference.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // tfjs's CommonJS parts require Node built-ins: give the ES module a require
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  plugins: [
    {
      name: 'raw',
      setup(b) {
        b.onResolve({ filter: /\?raw$/ }, (args) => ({
          path: new URL(args.path.replace(/\?raw$/, ''), `file://${args.resolveDir}/`).pathname,
          namespace: 'raw',
        }));
        b.onLoad({ filter: /.*/, namespace: 'raw' }, async (args) => ({
          contents: await readFile(args.path, 'utf8'),
          loader: 'text',
        }));
      },
    },
  ],
});
console.log(`wrote ${out}/dawnBpe.mjs, ${out}/dawnInference.mjs`);
