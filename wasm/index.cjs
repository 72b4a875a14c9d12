// CommonJS entry of the WebAssembly build for Node: require('seraplot/wasm'). It compiles
// dist/seraplot-node.wasm when first required and instantiates it synchronously, so both
// functions can be called as soon as require() returns.
//
// index.mjs, the entry for browsers and bundlers, repeats the calling code below; a change
// to one belongs in the other.
'use strict';

const fs = require('fs');
const path = require('path');
const util = require('util');
const { checkPayload } = require('../js/check-payload.cjs');

const debug = util.debuglog('seraplot');

const GLUE_PATH = path.join(__dirname, 'dist', 'seraplot-node.cjs');
const WASM_PATH = path.join(__dirname, 'dist', 'seraplot-node.wasm');

// A WebAssembly memory never shrinks. After a call that left it larger than this, the
// instance is replaced by a fresh one (16 MiB), so one large model does not pin its peak
// memory for the life of the process.
const RETAINED_MEMORY_LIMIT = 256 * 1024 * 1024;

// Largest length a size_t of wasm32 can carry.
const MAX_WASM32_LENGTH = 2 ** 32 - 1;

function loadBuild() {
  try {
    return {
      createSeraplotWasm: require(GLUE_PATH),
      wasmModule: new WebAssembly.Module(fs.readFileSync(WASM_PATH)),
    };
  } catch (error) {
    if (!fs.existsSync(GLUE_PATH) || !fs.existsSync(WASM_PATH)) {
      throw new Error(
        `seraplot/wasm: the WebAssembly build is missing (${GLUE_PATH} and ${WASM_PATH}). ` +
          "Build it with `npm run build:wasm` in the package's folder; it needs Emscripten " +
          '(`apt-get install -y emscripten` on Debian).',
        { cause: error },
      );
    }
    throw new Error(`seraplot/wasm: loading ${WASM_PATH} failed: ${error.message}`, {
      cause: error,
    });
  }
}

const { createSeraplotWasm, wasmModule } = loadBuild();

// Creates an instance of the core from the compiled module: the Emscripten module object,
// the instance's memory, and a 4-byte slot in that memory that receives answer lengths.
function createInstance() {
  const instance = { module: null, memory: null, lengthSlot: 0, abortReason: null };
  let instantiationError = null;

  const module = {
    instantiateWasm(imports, receiveInstance) {
      try {
        const wasmInstance = new WebAssembly.Instance(wasmModule, imports);
        instance.memory = Object.values(wasmInstance.exports).find(
          (value) => value instanceof WebAssembly.Memory,
        );
        receiveInstance(wasmInstance);
        return wasmInstance.exports;
      } catch (error) {
        instantiationError = error;
        throw error;
      }
    },
    onAbort(reason) {
      instance.abortReason = String(reason);
    },
    print: (text) => debug('%s', text),
    printErr: (text) => debug('%s', text),
  };
  createSeraplotWasm(module);

  // Emscripten 3.1.6 logs a failed instantiateWasm and returns a module that never starts,
  // so the failure is rethrown here.
  if (instantiationError !== null) {
    throw instantiationError;
  }
  if (!module.calledRun || instance.memory === undefined) {
    throw new Error('the WebAssembly module did not start');
  }

  instance.module = module;
  instance.lengthSlot = module._malloc(4) >>> 0;
  if (instance.lengthSlot === 0) {
    throw new RangeError('malloc failed for the 4-byte answer length slot');
  }
  return instance;
}

let current = createInstance();

// Replaces the current instance with a fresh one. Returns the error and keeps the current
// instance when no new one can be created.
function renewInstance() {
  try {
    current = createInstance();
    return null;
  } catch (error) {
    debug('creating a fresh WebAssembly instance failed: %s', error);
    return error;
  }
}

// Returns the UTF-8 length of text, counting a surrogate pair as one 4-byte character.
function utf8Length(text) {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      length += 1;
    } else if (unit < 0x800) {
      length += 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    } else {
      length += 3;
    }
  }
  return length;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Copies a string's UTF-8 encoding into the instance's memory. Returns its address and
// length, or address 0 when malloc fails. The caller frees the address.
function writeString(instance, text) {
  const { module, memory } = instance;

  // One byte per UTF-16 code unit is exact for ASCII, which model JSON nearly always is. A
  // first try at that size avoids reserving the 3 bytes per unit that other text may need.
  const guess = Math.max(text.length, 1);
  const pointer = module._malloc(guess) >>> 0;
  if (pointer === 0) {
    return { pointer: 0, length: text.length };
  }
  const { read, written } = encoder.encodeInto(
    text,
    new Uint8Array(memory.buffer, pointer, guess),
  );
  if (read === text.length) {
    return { pointer, length: written };
  }

  // Other text needs more room. The first block is freed before the exact one is allocated,
  // so that the payload never occupies the memory twice.
  const length = written + utf8Length(text.substring(read));
  module._free(pointer);
  const exact = length > MAX_WASM32_LENGTH ? 0 : module._malloc(length) >>> 0;
  if (exact === 0) {
    return { pointer: 0, length };
  }
  encoder.encodeInto(text, new Uint8Array(memory.buffer, exact, length));
  return { pointer: exact, length };
}

// Copies a payload, a string or UTF-8 bytes, into the instance's memory. Returns its
// address and length in bytes, or address 0 when it does not fit.
function writePayload(instance, payload) {
  if (typeof payload === 'string') {
    return writeString(instance, payload);
  }
  const length = payload.byteLength;
  const pointer = length > MAX_WASM32_LENGTH ? 0 : instance.module._malloc(Math.max(length, 1)) >>> 0;
  if (pointer !== 0) {
    new Uint8Array(instance.memory.buffer, pointer, length).set(payload);
  }
  return { pointer, length };
}

function errorAnswer(code, error) {
  return JSON.stringify({ ok: false, error, code });
}

function outOfMemoryAnswer(name, payloadLength) {
  return errorAnswer(
    'out_of_memory',
    `${name} ran out of memory: ${payloadLength} bytes for the payload could not be ` +
      'allocated in the WebAssembly memory. The model may be too large for the WebAssembly ' +
      'build, whose memory cannot exceed 4 GiB; the native Node build (seraplot/node) can ' +
      'use more.',
  );
}

function instantiationAnswer(name, error) {
  if (error instanceof RangeError) {
    return errorAnswer(
      'out_of_memory',
      `${name} ran out of memory: creating a WebAssembly instance failed (${error.message}).`,
    );
  }
  return errorAnswer(
    'internal_error',
    `${name} failed unexpectedly: creating a WebAssembly instance failed (${error.message}). ` +
      'This is a bug in seraplot; please report it.',
  );
}

function trapAnswer(name, error, abortReason) {
  let detail = `trapped with ${error.name}: ${error.message}`;
  if (abortReason !== null) {
    detail = abortReason === '' ? 'aborted' : `aborted: ${abortReason}`;
  }
  return errorAnswer(
    'internal_error',
    `${name} failed unexpectedly: the WebAssembly code ${detail}. This is a bug in ` +
      'seraplot; please report it with the payload. Later calls use a fresh WebAssembly ' +
      'instance.',
  );
}

// Decodes the answer at answerPointer and frees it.
function readAnswer(name, instance, answerPointer) {
  // The memory may have grown during the call, so views of it are made only now.
  const { buffer } = instance.memory;
  const answerLength = new DataView(buffer).getUint32(instance.lengthSlot, true);
  let answer;
  try {
    answer = decoder.decode(new Uint8Array(buffer, answerPointer, answerLength));
  } catch (error) {
    answer = errorAnswer(
      'too_large',
      `${name}: the answer is ${answerLength} bytes of JSON, more than this JavaScript ` +
        `engine can hold in one string (${error.message}).`,
    );
  }
  instance.module._seraplot_free(answerPointer);
  return answer;
}

// Calls the C function `exportName` of the core with the payload of the JavaScript
// function `name` and returns the answer as JSON text.
function callCore(name, exportName, payload) {
  const rejection = checkPayload(name, payload);
  if (rejection !== undefined) {
    return rejection;
  }

  if (current === null) {
    const error = renewInstance();
    if (error !== null) {
      return instantiationAnswer(name, error);
    }
  }
  const instance = current;
  const { module } = instance;

  let input;
  let answerPointer = 0;
  try {
    input = writePayload(instance, payload);
    if (input.pointer !== 0) {
      answerPointer = module[exportName](input.pointer, input.length, instance.lengthSlot) >>> 0;
      module._free(input.pointer);
    }
  } catch (error) {
    // A trap leaves the stack pointer, and perhaps the heap, as they were when it struck,
    // so this instance cannot be trusted with another call.
    if (renewInstance() !== null) {
      current = null;
    }
    return trapAnswer(name, error, instance.abortReason);
  }
  if (input.pointer === 0) {
    return outOfMemoryAnswer(name, input.length);
  }
  // The core returns NULL only when not even its error answer could be allocated.
  if (answerPointer === 0) {
    return errorAnswer('out_of_memory', `${name} ran out of memory.`);
  }

  const answer = readAnswer(name, instance, answerPointer);
  if (instance.memory.buffer.byteLength > RETAINED_MEMORY_LIMIT) {
    renewInstance();
  }
  return answer;
}

/**
 * Saves a model: payload is {"kind":"...","state":...} as JSON text or UTF-8 bytes. Returns
 * the answer as JSON text. A payload with "path" gets a files_unavailable answer, because
 * this build has no file access.
 */
function mlSaveModel(payload) {
  return callCore('mlSaveModel', '_seraplot_ml_save_model', payload);
}

/**
 * Loads a model: payload is {"data":...} as JSON text or UTF-8 bytes. Returns the answer as
 * JSON text. A payload with "path" gets a files_unavailable answer, because this build has
 * no file access.
 */
function mlLoadModel(payload) {
  return callCore('mlLoadModel', '_seraplot_ml_load_model', payload);
}

module.exports = { mlSaveModel, mlLoadModel };
