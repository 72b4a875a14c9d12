// ES module entry of the WebAssembly build for Node: `import ... from 'seraplot/wasm'`. It
// loads the CommonJS entry, so both module systems share one instance and one set of
// functions, and the binary is read from disk rather than decoded from base64.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const seraplot = require('./index.cjs');

export const { mlSaveModel, mlLoadModel } = seraplot;
