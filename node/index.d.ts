// Type declarations of seraplot's Node build (seraplot/node). The package root (index.d.ts)
// re-exports them.

/** A JSON value, as JSON.parse returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A saved model: the envelope that mlSaveModel writes and mlLoadModel reads. */
export interface ModelEnvelope {
  /** Version of the envelope format. Version 1 is the only one so far. */
  seraplot_model_v: 1;
  /** Kind of model, such as "kmeans": any non-empty string. */
  kind: string;
  /** The model's state exactly as it was saved. */
  state: JsonValue;
}

/** The payload of mlSaveModel, before JSON.stringify. */
export interface SavePayload {
  /** Kind of model, such as "kmeans": any non-empty string. */
  kind: string;
  /** The model's state: any JSON value. The envelope keeps each number's text as written. */
  state: JsonValue;
  /** File to write the envelope to. Without it the envelope is returned as `data`. */
  path?: string;
}

/** The payload of mlLoadModel, before JSON.stringify: exactly one of `path` and `data`. */
export type LoadPayload =
  | {
      /** File to read the envelope from. */
      path: string;
      data?: never;
    }
  | {
      /** The envelope, as JSON text or as an object. */
      data: string | ModelEnvelope;
      path?: never;
    };

/**
 * Failure codes of an ErrorAnswer. The codes are stable, but messages may change.
 *
 * - invalid_json: the payload, a file or a "data" string is not well-formed JSON, or a
 *   file is empty.
 * - invalid_utf8: the text is not valid UTF-8, or a JavaScript string has a lone surrogate.
 * - lone_surrogate: a JSON string escapes half of a surrogate pair, such as "\ud800".
 * - non_finite_number: NaN or Infinity, which JSON does not allow.
 * - number_out_of_range: a number too large for a double, such as 1e400.
 * - duplicate_key: an object, the payload included, has the same key twice.
 * - too_deep: arrays and objects in a state are nested deeper than 1000 levels.
 * - invalid_payload: the payload is JSON but not a valid payload for the function.
 * - not_a_model: the text is JSON but not a seraplot envelope.
 * - invalid_envelope: an envelope with a wrong or missing member.
 * - unsupported_version: an envelope of a seraplot_model_v this version cannot read.
 * - files_unavailable: `path` was given to a build without file access (WebAssembly).
 * - file_not_found: the file or its folder does not exist.
 * - permission_denied: the system denied access to the file.
 * - disk_full: the disk or quota ran out while writing.
 * - file_error: any other failure to read or write the file, such as a path that names a
 *   folder.
 * - too_large: the input or the answer is larger than a limit allows.
 * - out_of_memory: memory ran out.
 * - internal_error: a bug in seraplot. Please report it with the payload.
 */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_utf8'
  | 'lone_surrogate'
  | 'non_finite_number'
  | 'number_out_of_range'
  | 'duplicate_key'
  | 'too_deep'
  | 'invalid_payload'
  | 'not_a_model'
  | 'invalid_envelope'
  | 'unsupported_version'
  | 'files_unavailable'
  | 'file_not_found'
  | 'permission_denied'
  | 'disk_full'
  | 'file_error'
  | 'too_large'
  | 'out_of_memory'
  | 'internal_error';

/** The parsed answer of a successful mlSaveModel. */
export interface SaveAnswer {
  /** Success marker, always true here. */
  ok: true;
  /** File the envelope was written to, present when the payload had `path`. */
  path?: string;
  /** The envelope as JSON text, present when the payload had no `path`. */
  data?: string;
  /** Size of the envelope in bytes of UTF-8. */
  size: number;
}

/** The parsed answer of a successful mlLoadModel. */
export interface LoadAnswer {
  /** Success marker, always true here. */
  ok: true;
  /** The envelope that was read, checked and parsed. */
  model: ModelEnvelope;
}

/** The parsed answer of any call that failed. */
export interface ErrorAnswer {
  /** Failure marker, always false here. */
  ok: false;
  /** English message that names the problem, where it is and what to do. */
  error: string;
  /** Kind of failure, for programs to branch on. */
  code: ErrorCode;
}

/** Parsed answer of mlSaveModel or mlSaveModelAsync, success or failure. */
export type SaveResult = SaveAnswer | ErrorAnswer;

/** Parsed answer of mlLoadModel or mlLoadModelAsync, success or failure. */
export type LoadResult = LoadAnswer | ErrorAnswer;

/**
 * Saves a model and returns the answer as JSON text, which parses to a SaveResult.
 *
 * @param payload A SavePayload as JSON text, or as UTF-8 bytes in a Buffer or Uint8Array.
 * @throws TypeError when payload is neither a string nor a Uint8Array. Failures of the
 *   payload, the model or the file are returned as an ErrorAnswer.
 */
export function mlSaveModel(payload: string | Uint8Array): string;

/**
 * Loads a model and returns the answer as JSON text, which parses to a LoadResult.
 *
 * @param payload A LoadPayload as JSON text, or as UTF-8 bytes in a Buffer or Uint8Array.
 * @throws TypeError when payload is neither a string nor a Uint8Array. Failures of the
 *   payload, the model or the file are returned as an ErrorAnswer.
 */
export function mlLoadModel(payload: string | Uint8Array): string;

/**
 * Saves a model on the libuv thread pool, so the event loop keeps running. The promise
 * resolves to the same JSON text that mlSaveModel returns. The payload is copied before
 * this function returns, so a Buffer may be reused at once.
 *
 * @param payload A SavePayload as JSON text, or as UTF-8 bytes in a Buffer or Uint8Array.
 * @returns A promise that rejects with a TypeError when payload is neither a string nor a
 *   Uint8Array. Failures of the payload, the model or the file resolve to an ErrorAnswer.
 */
export function mlSaveModelAsync(payload: string | Uint8Array): Promise<string>;

/**
 * Loads a model on the libuv thread pool, so the event loop keeps running. The promise
 * resolves to the same JSON text that mlLoadModel returns. The payload is copied before
 * this function returns, so a Buffer may be reused at once.
 *
 * @param payload A LoadPayload as JSON text, or as UTF-8 bytes in a Buffer or Uint8Array.
 * @returns A promise that rejects with a TypeError when payload is neither a string nor a
 *   Uint8Array. Failures of the payload, the model or the file resolve to an ErrorAnswer.
 */
export function mlLoadModelAsync(payload: string | Uint8Array): Promise<string>;
