// ES module entry of the Node build (seraplot/node). It loads the CommonJS entry, so both
// module systems share one addon instance and one set of functions.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const seraplot = require('./index.cjs');

export const { mlSaveModel, mlLoadModel, mlSaveModelAsync, mlLoadModelAsync } = seraplot;
