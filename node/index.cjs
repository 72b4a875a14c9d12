// CommonJS entry of the Node build (seraplot/node): checks each payload in JavaScript, then
// calls the native addon built from node/src/addon.cpp.
'use strict';

const fs = require('fs');
const path = require('path');
const { checkPayload } = require('../js/check-payload.cjs');

const addonPath = path.join(__dirname, '..', 'build', 'Release', 'seraplot.node');

function loadAddon() {
  try {
    return require(addonPath);
  } catch (error) {
    if (!fs.existsSync(addonPath)) {
      throw new Error(
        `seraplot: the native addon ${addonPath} is missing. It is compiled when the ` +
          'package is installed: run `npm install` (or `npm run build:addon` in the ' +
          "package's own folder) and read its output. The WebAssembly build, " +
          'seraplot/wasm, needs no compiler.',
        { cause: error },
      );
    }
    throw new Error(
      `seraplot: loading the native addon ${addonPath} failed: ${error.message}. ` +
        'If Node or the system changed since it was built, rebuild it with ' +
        '`npm rebuild seraplot` (or `npm run build:addon` in the package folder).',
      { cause: error },
    );
  }
}

const addon = loadAddon();

/**
 * Saves a model: payload is {"kind":"...","state":...,"path":"..."} as JSON text or UTF-8
 * bytes. Returns the answer as JSON text.
 */
function mlSaveModel(payload) {
  const errorAnswer = checkPayload('mlSaveModel', payload);
  if (errorAnswer !== undefined) {
    return errorAnswer;
  }
  return addon.mlSaveModel(payload);
}

/**
 * Loads a model: payload is {"path":"..."} or {"data":...} as JSON text or UTF-8 bytes.
 * Returns the answer as JSON text.
 */
function mlLoadModel(payload) {
  const errorAnswer = checkPayload('mlLoadModel', payload);
  if (errorAnswer !== undefined) {
    return errorAnswer;
  }
  return addon.mlLoadModel(payload);
}

/**
 * Does the work of mlSaveModel on the libuv thread pool. The payload is copied before this
 * returns, so the caller may change a Buffer right away.
 */
async function mlSaveModelAsync(payload) {
  const errorAnswer = checkPayload('mlSaveModelAsync', payload);
  if (errorAnswer !== undefined) {
    return errorAnswer;
  }
  return addon.mlSaveModelAsync(payload);
}

/**
 * Does the work of mlLoadModel on the libuv thread pool. The payload is copied before this
 * returns, so the caller may change a Buffer right away.
 */
async function mlLoadModelAsync(payload) {
  const errorAnswer = checkPayload('mlLoadModelAsync', payload);
  if (errorAnswer !== undefined) {
    return errorAnswer;
  }
  return addon.mlLoadModelAsync(payload);
}

module.exports = { mlSaveModel, mlLoadModel, mlSaveModelAsync, mlLoadModelAsync };
