// The model viewer page: reads a model file that the user picks, drops or names in the URL
// (?model=<url>), loads it with seraplot's WebAssembly build, shows the envelope and an
// outline of the state, and predicts sample rows for the kinds in predictors.mjs.
//
// Tests read the results from the DOM: #status carries data-state ("idle", "loading",
// "loaded", "error") and data-load-id, which grows by one when a load has been shown.
import * as seraplot from 'seraplot';

import { outlineState, countNumbers } from './outline.mjs';
import { PREDICTORS } from './predictors.mjs';
import { FEATURE_NAMES, IRIS_SAMPLES } from './samples.mjs';

// An error that the page itself detects, with a code in the style of seraplot's codes.
class PageError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'PageError';
    this.code = code;
  }
}

const $ = (id) => document.getElementById(id);

const elements = {
  status: $('status'),
  dropZone: $('drop-zone'),
  fileInput: $('model-file'),
  error: $('error'),
  errorCode: $('error-code'),
  errorMessage: $('error-message'),
  model: $('model'),
  fileName: $('file-name'),
  fileSize: $('file-size'),
  kind: $('model-kind'),
  version: $('model-version'),
  extraMembers: $('extra-members'),
  numberCount: $('number-count'),
  outlineBody: $('state-outline').querySelector('tbody'),
  predictions: $('predictions'),
  predictionNote: $('prediction-note'),
  predictionTable: $('prediction-table'),
  samples: $('samples'),
  predictButton: $('predict-button'),
  resetSamplesButton: $('reset-samples-button'),
};

const ENVELOPE_MEMBERS = new Set(['seraplot_model_v', 'kind', 'state']);

// Increases by one for each load that starts. Only the latest load may update the page, so
// a slow file that finishes after a later one does not overwrite it.
let latestLoadId = 0;

// The model on show: { kind, predictor, predictorError }, or null.
let currentModel = null;

function setStatus(state, text) {
  elements.status.dataset.state = state;
  elements.status.textContent = text;
}

function formatBytes(bytes) {
  const exact = `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 1024) {
    return exact;
  }
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${exact} (${value.toFixed(1)} ${units[unit]})`;
}

// Reads a File or fetches a URL and returns { name, size, text }. The bytes are decoded as
// strict UTF-8, because a model file is UTF-8 and a replacement character would hide a
// corrupt file. TextDecoder drops a leading byte order mark, which seraplot also accepts.
async function readModelSource(source) {
  let name;
  let bytes;
  if (typeof source === 'string') {
    const url = new URL(source, window.location.href);
    name = decodeURIComponent(url.pathname.split('/').pop() || url.href);
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new PageError('fetch_failed', `Fetching ${url.href} failed: ${error.message}.`);
    }
    if (!response.ok) {
      throw new PageError(
        'fetch_failed',
        `Fetching ${url.href} failed: HTTP ${response.status} ${response.statusText}.`,
      );
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    name = source.name;
    bytes = new Uint8Array(await source.arrayBuffer());
  }

  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PageError(
      'invalid_utf8',
      `${name} is not UTF-8 text, so it is not a seraplot model file. Model files are ` +
        'JSON in UTF-8.',
    );
  }
  return { name, size: bytes.length, text };
}

function clearModel() {
  currentModel = null;
  elements.error.hidden = true;
  elements.error.removeAttribute('data-code');
  elements.error.removeAttribute('data-source');
  elements.model.hidden = true;
  elements.outlineBody.replaceChildren();
  renderPredictions();
}

// Shows a failed load: the code and the message, as seraplot or the page gave them.
function showError(code, message, source, fileName) {
  elements.error.hidden = false;
  elements.error.dataset.code = code;
  elements.error.dataset.source = source;
  elements.errorCode.textContent = code;
  elements.errorMessage.textContent = message;
  setStatus('error', fileName ? `${fileName} could not be loaded.` : 'The model could not be loaded.');
}

function appendCell(row, text, className) {
  const cell = document.createElement('td');
  cell.textContent = text;
  if (className) {
    cell.className = className;
  }
  row.append(cell);
  return cell;
}

function renderOutline(state) {
  const rows = outlineState(state).map((member) => {
    const row = document.createElement('tr');
    row.dataset.member = member.name;
    row.dataset.depth = String(member.depth);
    row.dataset.type = member.type;
    row.dataset.shape = member.dims;
    row.dataset.numbers = String(member.numbers);
    appendCell(row, member.name, `member-name depth-${member.depth}`);
    appendCell(row, member.type);
    appendCell(row, member.shape);
    appendCell(row, member.numbers.toLocaleString('en-US'), 'number');
    return row;
  });
  elements.outlineBody.replaceChildren(...rows);

  const total = countNumbers(state);
  elements.numberCount.dataset.count = String(total);
  elements.numberCount.textContent = total.toLocaleString('en-US');
}

// Shows a loaded envelope and builds the predictor for its kind, if the page has one.
function showModel(envelope, fileName, size) {
  elements.model.hidden = false;
  elements.fileName.textContent = fileName;
  elements.fileSize.dataset.bytes = String(size);
  elements.fileSize.textContent = formatBytes(size);
  elements.kind.textContent = envelope.kind;
  elements.version.textContent = String(envelope.seraplot_model_v);

  const extra = Object.keys(envelope).filter((name) => !ENVELOPE_MEMBERS.has(name));
  elements.extraMembers.textContent = extra.length > 0 ? extra.join(', ') : 'none';

  renderOutline(envelope.state);

  currentModel = { kind: envelope.kind, predictor: null, predictorError: null };
  const entry = PREDICTORS[envelope.kind];
  if (entry !== undefined) {
    try {
      currentModel.predictor = { ...entry.build(envelope.state), description: entry.description };
    } catch (error) {
      currentModel.predictorError = error.message;
    }
  }
  setStatus('loaded', `Loaded ${fileName}.`);
  renderPredictions();
}

// Loads a model from a File or a URL and shows the result or the error.
async function openModel(source) {
  latestLoadId += 1;
  const loadId = latestLoadId;
  setStatus('loading', 'Loading…');
  clearModel();

  let fileName = typeof source === 'string' ? source : source.name;
  try {
    const file = await readModelSource(source);
    fileName = file.name;
    const answer = JSON.parse(seraplot.mlLoadModel(JSON.stringify({ data: file.text })));
    if (loadId !== latestLoadId) {
      return;
    }
    if (answer.ok) {
      showModel(answer.model, file.name, file.size);
    } else {
      showError(answer.code, answer.error, 'seraplot', file.name);
    }
  } catch (error) {
    if (loadId !== latestLoadId) {
      return;
    }
    if (error instanceof PageError) {
      showError(error.code, error.message, 'page', fileName);
    } else {
      showError('page_error', `The page failed while loading the model: ${error.message}`, 'page', fileName);
    }
  } finally {
    if (loadId === latestLoadId) {
      elements.status.dataset.loadId = String(loadId);
    }
  }
}

// Parses the sample rows: one row per line, numbers separated by commas or spaces. Blank
// lines and lines starting with # are skipped. Throws an Error naming the first bad line.
function parseSamples(text) {
  const rows = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      return;
    }
    const row = trimmed.split(/[\s,]+/).map((field) => {
      const value = Number(field);
      if (field === '' || !Number.isFinite(value)) {
        throw new Error(`Line ${index + 1} of the sample rows: "${field}" is not a finite number.`);
      }
      return value;
    });
    rows.push(row);
  });
  return rows;
}

function checkRowWidths(rows, predictor) {
  rows.forEach((row, index) => {
    const fits = predictor.acceptsExtraFeatures
      ? row.length >= predictor.featureCount
      : row.length === predictor.featureCount;
    if (!fits) {
      const needed = predictor.acceptsExtraFeatures
        ? `at least ${predictor.featureCount}`
        : `${predictor.featureCount}`;
      throw new Error(
        `Sample row ${index + 1} has ${row.length} values, but the model needs ${needed}.`,
      );
    }
  });
}

function setPredictionState(state, note) {
  elements.predictions.dataset.state = state;
  elements.predictionNote.textContent = note;
  elements.predictionTable.hidden = state !== 'ok';
  if (state !== 'ok') {
    elements.predictionTable.querySelector('tbody').replaceChildren();
  }
}

// The species of the shipped Iris rows, keyed by their features, to show beside predictions.
const KNOWN_SPECIES = new Map(IRIS_SAMPLES.map((sample) => [sample.features.join(','), sample.species]));

// Predicts the sample rows with the current model and shows the table, or shows why not.
function renderPredictions() {
  if (currentModel === null) {
    setPredictionState('none', 'Load a model to predict the sample rows.');
    return;
  }
  const { kind, predictor, predictorError } = currentModel;
  if (predictorError !== null) {
    setPredictionState(
      'error',
      `The state of this ${kind} model could not be used for predictions: ${predictorError}`,
    );
    return;
  }
  if (predictor === null) {
    const known = Object.keys(PREDICTORS).join(', ');
    setPredictionState('unavailable', `This page cannot predict with the kind "${kind}"; it predicts with: ${known}.`);
    return;
  }

  let rows;
  let predictions;
  try {
    rows = parseSamples(elements.samples.value);
    checkRowWidths(rows, predictor);
    predictions = predictor.predict(rows);
  } catch (error) {
    setPredictionState('error', error.message);
    return;
  }

  const tableRows = rows.map((row, index) => {
    const tableRow = document.createElement('tr');
    tableRow.dataset.row = String(index);
    tableRow.dataset.prediction = String(predictions[index]);
    appendCell(tableRow, String(index + 1), 'number');
    appendCell(tableRow, row.join(', '));
    appendCell(tableRow, KNOWN_SPECIES.get(row.join(',')) ?? '');
    appendCell(tableRow, `${predictor.labelName} ${predictions[index]}`, 'prediction');
    return tableRow;
  });
  elements.predictionTable.querySelector('tbody').replaceChildren(...tableRows);
  setPredictionState('ok', `${predictor.description}. ${rows.length} rows.`);
}

function defaultSamplesText() {
  const header = `# ${FEATURE_NAMES.join(', ')} (cm)`;
  return [header, ...IRIS_SAMPLES.map((sample) => sample.features.join(', '))].join('\n');
}

function setUpFileInputs() {
  elements.fileInput.addEventListener('change', () => {
    const [file] = elements.fileInput.files;
    if (file !== undefined) {
      openModel(file);
    }
    // Choosing the same file again should load it again.
    elements.fileInput.value = '';
  });

  // Without preventDefault on dragover and drop anywhere in the window, a file dropped
  // beside the drop zone would replace the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());

  elements.dropZone.addEventListener('dragenter', () => elements.dropZone.classList.add('dragging'));
  elements.dropZone.addEventListener('dragleave', () => elements.dropZone.classList.remove('dragging'));
  elements.dropZone.addEventListener('drop', (event) => {
    elements.dropZone.classList.remove('dragging');
    const file = event.dataTransfer?.files?.[0];
    if (file !== undefined) {
      openModel(file);
    }
  });
}

// Shows an error that escaped every handler, so that no failure is silent.
function setUpLastResort() {
  const show = (message) => showError('page_error', `The page failed: ${message}`, 'page', '');
  window.addEventListener('error', (event) => show(event.message));
  window.addEventListener('unhandledrejection', (event) => show(String(event.reason?.message ?? event.reason)));
}

function start() {
  setUpLastResort();
  setUpFileInputs();

  elements.samples.value = defaultSamplesText();
  elements.predictButton.addEventListener('click', renderPredictions);
  elements.resetSamplesButton.addEventListener('click', () => {
    elements.samples.value = defaultSamplesText();
    renderPredictions();
  });

  clearModel();
  elements.status.dataset.loadId = '0';
  setStatus('idle', 'Choose or drop a model file.');

  const modelUrl = new URLSearchParams(window.location.search).get('model');
  if (modelUrl) {
    openModel(modelUrl);
  }
}

start();
