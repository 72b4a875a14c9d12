// The baseline of the benchmark: mlSaveModel and mlLoadModel written in plain JavaScript with
// JSON.parse, JSON.stringify and fs, as a user of this package would otherwise write them.
// They take and return the same JSON text and check the same payload members and envelope
// members. They do not reject repeated keys, lone surrogates or deep nesting, and keep no
// number text exactly, so they do less work than the core. mlSaveModel does not fsync a saved
// file; mlSaveModelDurable does, as the core does.
'use strict';

const fs = require('fs');
const pathModule = require('path');

const SAVE_MEMBERS = new Set(['kind', 'state', 'path']);
const LOAD_MEMBERS = new Set(['path', 'data']);

class ContractError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function errorAnswer(error) {
  let code = 'file_error';
  if (error instanceof ContractError) {
    code = error.code;
  } else if (error instanceof SyntaxError) {
    code = 'invalid_json';
  }
  return JSON.stringify({ ok: false, error: error.message, code });
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkMembers(payload, accepted, name) {
  if (!isObject(payload)) {
    throw new ContractError('invalid_payload', `The payload of ${name} must be a JSON object.`);
  }
  for (const key of Object.keys(payload)) {
    if (!accepted.has(key)) {
      throw new ContractError('invalid_payload', `The payload of ${name} has an unknown member "${key}".`);
    }
  }
}

function checkNonEmptyString(value, name, functionName) {
  if (typeof value !== 'string' || value === '') {
    throw new ContractError(
      'invalid_payload',
      `The member "${name}" in the payload of ${functionName} must be a non-empty string.`,
    );
  }
}

function checkEnvelope(model) {
  if (!isObject(model) || !('seraplot_model_v' in model)) {
    throw new ContractError('not_a_model', 'The text is not a seraplot model.');
  }
  if (!Number.isInteger(model.seraplot_model_v)) {
    throw new ContractError('not_a_model', '"seraplot_model_v" is not an integer.');
  }
  if (model.seraplot_model_v !== 1) {
    throw new ContractError('unsupported_version', `unsupported seraplot_model_v ${model.seraplot_model_v}`);
  }
  if (typeof model.kind !== 'string' || model.kind === '') {
    throw new ContractError('invalid_envelope', '"kind" must be a non-empty string.');
  }
  if (!('state' in model)) {
    throw new ContractError('invalid_envelope', 'The envelope has no "state" member.');
  }
}

// Replaces the file at path: write a temporary file beside it, then rename it over path.
// With durable, the file and its folder are flushed to disk as the core does.
function writeFileReplacing(path, text, durable) {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    if (durable) {
      const fd = fs.openSync(temporary, 'w');
      try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } else {
      fs.writeFileSync(temporary, text);
    }
    fs.renameSync(temporary, path);
    if (durable) {
      const folder = fs.openSync(pathModule.dirname(path), 'r');
      try {
        fs.fsyncSync(folder);
      } finally {
        fs.closeSync(folder);
      }
    }
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new ContractError('file_error', error.message);
  }
}

function mlSaveModel(payloadText, durable = false) {
  try {
    const payload = JSON.parse(payloadText);
    checkMembers(payload, SAVE_MEMBERS, 'mlSaveModel');
    checkNonEmptyString(payload.kind, 'kind', 'mlSaveModel');
    if (!('state' in payload)) {
      throw new ContractError('invalid_payload', 'The payload of mlSaveModel has no member "state".');
    }
    if ('path' in payload) {
      checkNonEmptyString(payload.path, 'path', 'mlSaveModel');
    }

    const envelope = JSON.stringify({ seraplot_model_v: 1, kind: payload.kind, state: payload.state });
    const size = Buffer.byteLength(envelope);
    if (payload.path !== undefined) {
      writeFileReplacing(payload.path, envelope, durable);
      return JSON.stringify({ ok: true, path: payload.path, size });
    }
    return JSON.stringify({ ok: true, data: envelope, size });
  } catch (error) {
    return errorAnswer(error);
  }
}

function mlLoadModel(payloadText) {
  try {
    const payload = JSON.parse(payloadText);
    checkMembers(payload, LOAD_MEMBERS, 'mlLoadModel');
    const hasPath = 'path' in payload;
    const hasData = 'data' in payload;
    if (hasPath === hasData) {
      throw new ContractError('invalid_payload', 'Give exactly one of "path" and "data".');
    }

    let model;
    if (hasPath) {
      checkNonEmptyString(payload.path, 'path', 'mlLoadModel');
      let text = fs.readFileSync(payload.path, 'utf8');
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1);
      }
      model = JSON.parse(text);
    } else if (typeof payload.data === 'string') {
      model = JSON.parse(payload.data);
    } else if (isObject(payload.data)) {
      model = payload.data;
    } else {
      throw new ContractError('invalid_payload', 'The member "data" must be a string or an object.');
    }
    checkEnvelope(model);
    return JSON.stringify({ ok: true, model });
  } catch (error) {
    return errorAnswer(error);
  }
}

// mlSaveModel that also flushes a saved file and its folder to disk, as the core does, for
// comparing saves to a file on equal terms.
function mlSaveModelDurable(payloadText) {
  return mlSaveModel(payloadText, true);
}

module.exports = { mlSaveModel, mlSaveModelDurable, mlLoadModel };
