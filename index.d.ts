// Type declarations of the package root, `seraplot`. In Node the root is the native addon's
// entry (node/index.cjs or node/index.mjs), whose declarations these are.
// NOTE: bundlers that pick the "browser" condition get the WebAssembly build instead, which
// has mlSaveModel and mlLoadModel but not the async functions declared here
// (see wasm/index.d.ts).
export * from './node/index.js';
