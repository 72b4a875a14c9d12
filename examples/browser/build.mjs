// Bundles the model viewer page into examples/browser/dist with esbuild.
//
//   node examples/browser/build.mjs            build once
//   node examples/browser/build.mjs --serve    build, then serve dist on http://127.0.0.1:8000
//                                              and rebuild when a source file changes
//
// main.js imports the package by its published name, `seraplot`. Inside this repository
// that name refers to the package itself (a self-reference through package.json "exports"),
// and the "browser" condition selects wasm/index.mjs, as it does for a user's bundler.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const pageDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(pageDir, 'dist');
const STATIC_FILES = ['index.html', 'style.css'];
const SERVE_HOST = '127.0.0.1';
const SERVE_PORT = 8000;

const options = {
  entryPoints: [join(pageDir, 'main.js')],
  outdir: outDir,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // wasm/index.mjs compiles its module with top-level await, which needs ES2022.
  target: 'es2022',
  // random-js, which ml-random-forest uses to seed training, calls require("crypto") in its
  // nodeCrypto engine. Loading and predicting never use that engine, so the call is left
  // unresolved rather than bundled.
  external: ['crypto'],
  sourcemap: true,
  logLevel: 'warning',
};

function copyStaticFiles() {
  for (const name of STATIC_FILES) {
    copyFileSync(join(pageDir, name), join(outDir, name));
  }
}

async function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  copyStaticFiles();

  if (!process.argv.includes('--serve')) {
    await esbuild.build(options);
    console.log(`Built the page into ${outDir}`);
    return;
  }

  const context = await esbuild.context({
    ...options,
    plugins: [{ name: 'copy-static-files', setup: (build) => build.onEnd(copyStaticFiles) }],
  });
  await context.watch();
  const { port } = await context.serve({ servedir: outDir, host: SERVE_HOST, port: SERVE_PORT });
  console.log(`Serving the page on http://${SERVE_HOST}:${port}/ (Ctrl+C stops)`);
}

main().catch((error) => {
  console.error(`Building the page failed: ${error.message}`);
  process.exitCode = 1;
});
