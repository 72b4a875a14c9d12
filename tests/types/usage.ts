// Compiled by `tsc --noEmit -p tests/types` (tests/js/types.test.js) to check that the
// published declarations describe how the package is used. Never run.
import {
  mlLoadModel,
  mlLoadModelAsync,
  mlSaveModel,
  mlSaveModelAsync,
  type ErrorAnswer,
  type ErrorCode,
  type LoadPayload,
  type LoadResult,
  type ModelEnvelope,
  type SavePayload,
  type SaveResult,
} from 'seraplot';
import * as nodeBuild from 'seraplot/node';

// Saving inline, then loading what was saved.
const savePayload: SavePayload = { kind: 'kmeans', state: { centroids: [[1.5, 2]], k: 1 } };
const saved: SaveResult = JSON.parse(mlSaveModel(JSON.stringify(savePayload)));
if (saved.ok) {
  const size: number = saved.size;
  const data: string | undefined = saved.data;
  const path: string | undefined = saved.path;

  if (data !== undefined) {
    const loadPayload: LoadPayload = { data };
    const loaded: LoadResult = JSON.parse(mlLoadModel(JSON.stringify(loadPayload)));
    if (loaded.ok) {
      const envelope: ModelEnvelope = loaded.model;
      const version: 1 = envelope.seraplot_model_v;
      const kind: string = envelope.kind;
      void [version, kind];
    }
  }
  void [size, path];
} else {
  const failure: ErrorAnswer = saved;
  const message: string = failure.error;
  const code: ErrorCode = failure.code;
  void [message, code];
}

// Bytes are accepted as well as strings, and both builds' entries have the same functions.
const fromBytes: string = nodeBuild.mlLoadModel(new Uint8Array([123, 125]));
const loadFromFile: LoadPayload = { path: 'model.json' };
const loadFromObject: LoadPayload = {
  data: { seraplot_model_v: 1, kind: 'kmeans', state: null },
};
void [fromBytes, loadFromFile, loadFromObject];

async function saveAndLoadAsync(): Promise<void> {
  const savedText: string = await mlSaveModelAsync('{"kind":"k","state":1}');
  const loadedText: string = await mlLoadModelAsync(new Uint8Array(0));
  const sameFunction: typeof mlSaveModelAsync = nodeBuild.mlSaveModelAsync;
  void [savedText, loadedText, sameFunction];
}
void saveAndLoadAsync;

// The codes are exactly these: a missing or an extra key here fails to compile.
const everyCode: Record<ErrorCode, true> = {
  invalid_json: true,
  invalid_utf8: true,
  lone_surrogate: true,
  non_finite_number: true,
  number_out_of_range: true,
  duplicate_key: true,
  too_deep: true,
  invalid_payload: true,
  not_a_model: true,
  invalid_envelope: true,
  unsupported_version: true,
  files_unavailable: true,
  file_not_found: true,
  permission_denied: true,
  disk_full: true,
  file_error: true,
  too_large: true,
  out_of_memory: true,
  internal_error: true,
};
void everyCode;

// Misuse that the declarations reject.
// @ts-expect-error A number is not a payload.
mlSaveModel(42);
// @ts-expect-error An ArrayBuffer must be wrapped in a Uint8Array first.
mlLoadModel(new ArrayBuffer(2));
// @ts-expect-error A load payload has either path or data, not both.
const bothMembers: LoadPayload = { path: 'model.json', data: '{}' };
// @ts-expect-error The answer is JSON text, not an object.
const notParsed: SaveResult = mlSaveModel('{}');
// @ts-expect-error Codes are a closed set.
const unknownCode: ErrorCode = 'no_such_code';
// @ts-expect-error A save payload needs a kind.
const noKind: SavePayload = { state: 1 };
void [bothMembers, notParsed, unknownCode, noKind];
