// Type declarations of seraplot's WebAssembly build (seraplot/wasm, and the package root in
// browsers). The payloads and answers are those of the Node build, without files.
export type {
  ErrorAnswer,
  ErrorCode,
  JsonValue,
  LoadAnswer,
  LoadPayload,
  LoadResult,
  ModelEnvelope,
  SaveAnswer,
  SavePayload,
  SaveResult,
} from '../node/index.js';

/**
 * Saves a model and returns the answer as JSON text, which parses to a SaveResult with the
 * envelope in `data`. This build has no file access, so a payload with `path` gets an
 * ErrorAnswer with code "files_unavailable".
 *
 * Runs synchronously on the calling thread. The WebAssembly memory is limited to 4 GiB,
 * and a payload that does not fit gets an ErrorAnswer with code "out_of_memory".
 *
 * @param payload A SavePayload without `path`, as JSON text or as UTF-8 bytes in a
 *   Uint8Array (a Buffer included).
 * @throws TypeError when payload is neither a string nor a Uint8Array. Every other failure
 *   is returned as an ErrorAnswer.
 */
export function mlSaveModel(payload: string | Uint8Array): string;

/**
 * Loads a model from `data` and returns the answer as JSON text, which parses to a
 * LoadResult. This build has no file access, so a payload with `path` gets an ErrorAnswer
 * with code "files_unavailable".
 *
 * Runs synchronously on the calling thread. The WebAssembly memory is limited to 4 GiB,
 * and a payload that does not fit gets an ErrorAnswer with code "out_of_memory".
 *
 * @param payload A LoadPayload with `data`, as JSON text or as UTF-8 bytes in a Uint8Array
 *   (a Buffer included).
 * @throws TypeError when payload is neither a string nor a Uint8Array. Every other failure
 *   is returned as an ErrorAnswer.
 */
export function mlLoadModel(payload: string | Uint8Array): string;
