// Type declarations of the package root, `seraplot`. In Node it resolves to the native
// addon's entry (node/index.cjs or node/index.mjs), whose declarations these are.
export * from './node/index.js';
