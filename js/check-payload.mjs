// Checks the payload argument of mlSaveModel and mlLoadModel before it reaches native or
// WebAssembly code. Shared by the Node addon's entry and the WebAssembly loaders.
// This is the ES module twin of check-payload.cjs, for browsers and bundlers; keep the two
// the same (tests/js/addon.test.js compares them).

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// The second branch may match the character before the low surrogate as well.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Returns the index of the first lone surrogate in text, or -1 when text is well-formed
// UTF-16. String.prototype.isWellFormed (Node 20, current browsers) is the fast path.
function findLoneSurrogate(text) {
  if (typeof text.isWellFormed === 'function' && text.isWellFormed()) {
    return -1;
  }
  const match = LONE_SURROGATE.exec(text);
  if (match === null) {
    return -1;
  }
  return match.index + match[0].length - 1;
}

// Returns the name of a value's type for messages: "number", "null", "array", "object",
// or the built-in class of other objects, such as "ArrayBuffer" or "Float64Array".
function describeType(value) {
  if (value === null) {
    return 'null';
  }
  if (typeof value !== 'object') {
    return typeof value;
  }
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (tag === 'Object') {
    return 'object';
  }
  if (tag === 'Array') {
    return 'array';
  }
  return tag;
}

// True for a Uint8Array or a Buffer, also one from another realm (a vm context or a frame).
function isUint8Array(value) {
  return ArrayBuffer.isView(value) && value[Symbol.toStringTag] === 'Uint8Array';
}

/**
 * Checks the payload passed to the function `name` (such as "mlSaveModel").
 *
 * Returns undefined when the payload can go to the core: a string of well-formed UTF-16, or
 * a Uint8Array (a Buffer included) whose bytes the core checks itself. Returns an
 * invalid_utf8 error answer, as JSON text, for a string with a lone surrogate, because such
 * a string has no UTF-8 form. Throws a TypeError for every other type.
 */
export function checkPayload(name, payload) {
  if (typeof payload === 'string') {
    const index = findLoneSurrogate(payload);
    if (index === -1) {
      return undefined;
    }
    const unit = payload.charCodeAt(index).toString(16).toUpperCase();
    return JSON.stringify({
      ok: false,
      error:
        `${name}(payload): the payload contains a lone UTF-16 surrogate (U+${unit}) at ` +
        `character index ${index} and cannot be encoded as UTF-8. Remove it, or replace it ` +
        'with U+FFFD by calling toWellFormed() on the string (Node 20 and later).',
      code: 'invalid_utf8',
    });
  }

  if (isUint8Array(payload)) {
    return undefined;
  }

  throw new TypeError(
    `${name}(payload): expected a JSON string or a Uint8Array of UTF-8 bytes, ` +
      `got ${describeType(payload)}`,
  );
}
