// Drives the model viewer page (examples/browser) in Debian's Chromium with playwright-core.
//
//   node tests/browser/page.test.mjs                the page with models the Node addon saves
//   node tests/browser/page.test.mjs --cross DIR    the cross-language leg: the scikit-learn
//                                                   k-means and the Node models in DIR, as
//                                                   scripts/cross-language.sh leaves them
//
// The test builds the page, serves it and the model files from an HTTP server on 127.0.0.1,
// and reads the results from the page's DOM. Screenshots go to
// $SERAPLOT_TEST_OUTPUT/browser/ (default ./test-output/browser/). The last line printed is
// "browser: N passed, N failed"; the exit status is 1 when a test failed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PAGE_DIR = join(ROOT, 'examples', 'browser');
const DIST_DIR = join(PAGE_DIR, 'dist');
const OUTPUT_DIR = join(resolve(process.env.SERAPLOT_TEST_OUTPUT ?? 'test-output'), 'browser');
const CHROMIUM_PATH = process.env.SERAPLOT_CHROMIUM ?? '/usr/bin/chromium';
const SETUP_HINT = 'run scripts/setup.sh test, which installs and builds it';

// Flags that let Debian's Chromium run headless as root on a machine without a GPU and keep
// it from contacting any server of its own.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const BUILD_TIMEOUT_MS = 120_000;
const LAUNCH_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 20_000;
// A bound on the whole run, so that a hung browser cannot hold a CI job forever.
const RUN_TIMEOUT_MS = 10 * 60_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
};

// The Iris rows that examples/browser/samples.mjs ships, by row number.
const SHIPPED_ROWS = [0, 25, 49, 50, 70, 83, 100, 119, 133];

function fail(message) {
  throw new Error(message);
}

// ---------------------------------------------------------------------------------------
// Set-up: build, models, server, browser

function buildPage() {
  if (!existsSync(join(ROOT, 'wasm', 'dist', 'seraplot-web.mjs'))) {
    fail(`the WebAssembly build is missing (wasm/dist/seraplot-web.mjs); ${SETUP_HINT}`);
  }
  const result = spawnSync(process.execPath, [join(PAGE_DIR, 'build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (result.error) {
    fail(`building the page failed: ${result.error.message}`);
  }
  if (result.status !== 0) {
    fail(`building the page failed with exit status ${result.status}:\n${result.stderr}${result.stdout}`);
  }
}

// Serves the built page at / and the files of modelsDir at /models/.
function startServer(modelsDir) {
  const roots = [
    { prefix: '/models/', dir: modelsDir },
    { prefix: '/', dir: DIST_DIR },
  ];

  const server = createServer((request, response) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'only GET and HEAD are served\n');
      return;
    }

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    } catch {
      send(400, 'invalid URL\n');
      return;
    }
    if (pathname === '/') {
      pathname = '/index.html';
    }
    const root = roots.find(({ prefix }) => pathname.startsWith(prefix));
    const file = resolve(root.dir, `.${pathname.slice(root.prefix.length - 1)}`);
    if (!file.startsWith(root.dir + sep)) {
      send(403, 'outside the served folder\n');
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      send(404, `${pathname} not found\n`);
      return;
    }
    send(200, readFileSync(file), CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  });

  return new Promise((resolveServer, rejectServer) => {
    server.once('error', rejectServer);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolveServer({ server, baseUrl: `http://127.0.0.1:${port}` });
    });
  });
}

function stopServer(server) {
  return new Promise((resolveStop) => {
    server.closeAllConnections();
    server.close(() => resolveStop());
  });
}

async function launchBrowser(userDataDir) {
  if (!existsSync(CHROMIUM_PATH)) {
    fail(`Chromium is not installed at ${CHROMIUM_PATH}; ${SETUP_HINT}`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    fail(`playwright-core cannot be imported (${error.message}); ${SETUP_HINT}`);
  }
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    timeout: LAUNCH_TIMEOUT_MS,
    viewport: { width: 1100, height: 900 },
  });
}

// Rejects every request that is not to the test server, and records it, so that the page
// is shown to work offline and to send the model nowhere.
async function confineToLoopback(context, baseUrl, outsideRequests) {
  const origin = new URL(baseUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) {
      return route.continue();
    }
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
}

// ---------------------------------------------------------------------------------------
// Reading the page

// Opens the page, optionally with a query string, and waits until it has started.
async function openPage(session, query = '') {
  const page = await session.context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('pageerror', (error) => session.pageErrors.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') {
      session.consoleErrors.push(`${page.url()}: ${message.text()}`);
    }
  });
  session.openPages.push(page);

  await page.goto(`${session.baseUrl}/${query}`);
  await page.waitForFunction(() => document.getElementById('status')?.dataset.state !== 'starting');
  return page;
}

function loadId(page) {
  return page.$eval('#status', (status) => Number(status.dataset.loadId ?? 0));
}

// Runs action, which starts a load, and waits until the page has shown its result.
async function waitForLoad(page, action) {
  const before = await loadId(page);
  await action();
  await page.waitForFunction(
    (previous) => Number(document.getElementById('status').dataset.loadId) > previous,
    before,
  );
}

function loadFile(page, file) {
  return waitForLoad(page, () => page.setInputFiles('#model-file', file));
}

// Drops a file on the drop zone as a drag from the desktop would.
function dropFile(page, name, text) {
  return waitForLoad(page, () =>
    page.evaluate(
      ({ fileName, fileText }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([fileText], fileName, { type: 'application/json' }));
        const zone = document.getElementById('drop-zone');
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { fileName: name, fileText: text },
    ),
  );
}

// Replaces the sample rows and predicts them.
async function predictRows(page, rows) {
  await page.fill('#samples', rows.map((row) => row.join(', ')).join('\n'));
  await page.click('#predict-button');
}

// Returns what the page shows, as plain data.
function readPage(page) {
  return page.evaluate(() => {
    const byId = (id) => document.getElementById(id);
    const predictionRows = [...byId('prediction-table').querySelectorAll('tbody tr')];
    return {
      status: byId('status').dataset.state,
      statusText: byId('status').textContent,
      modelShown: !byId('model').hidden,
      fileName: byId('file-name').textContent,
      bytes: Number(byId('file-size').dataset.bytes),
      kind: byId('model-kind').textContent,
      version: byId('model-version').textContent,
      extraMembers: byId('extra-members').textContent,
      numberCount: Number(byId('number-count').dataset.count),
      outline: [...byId('state-outline').querySelectorAll('tbody tr')].map((row) => ({
        member: row.dataset.member,
        depth: Number(row.dataset.depth),
        type: row.dataset.type,
        shape: row.dataset.shape,
        numbers: Number(row.dataset.numbers),
      })),
      errorShown: !byId('error').hidden,
      errorCode: byId('error').dataset.code ?? '',
      errorSource: byId('error').dataset.source ?? '',
      errorMessage: byId('error-message').textContent,
      predictionState: byId('predictions').dataset.state,
      predictionNote: byId('prediction-note').textContent,
      predictions: predictionRows.map((row) => Number(row.dataset.prediction)),
    };
  });
}

let screenshotCount = 0;

async function screenshot(page, name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
  screenshotCount += 1;
}

function countNumbers(value) {
  if (typeof value === 'number') {
    return 1;
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((sum, item) => sum + countNumbers(item), 0);
  }
  return 0;
}

function assertModelShown(shown, expected) {
  assert.equal(shown.status, 'loaded', `status: ${shown.statusText}; error: ${shown.errorMessage}`);
  assert.equal(shown.errorShown, false, 'the error section is visible');
  assert.equal(shown.modelShown, true, 'the model section is hidden');
  assert.equal(shown.kind, expected.kind);
  assert.equal(shown.version, '1');
  assert.equal(shown.bytes, expected.bytes, 'file size');
  assert.equal(shown.numberCount, countNumbers(expected.savedState), 'count of numbers in the state');
}

function assertErrorShown(shown, code, source, messageParts) {
  assert.equal(shown.status, 'error', `status: ${shown.statusText}`);
  assert.equal(shown.errorShown, true, 'the error section is hidden');
  assert.equal(shown.errorCode, code, `error code; message: ${shown.errorMessage}`);
  assert.equal(shown.errorSource, source, 'error source');
  for (const part of messageParts) {
    assert.ok(shown.errorMessage.includes(part), `error message lacks "${part}": ${shown.errorMessage}`);
  }
  assert.equal(shown.modelShown, false, 'the model section is visible after an error');
  assert.equal(shown.predictionState, 'none', 'predictions after an error');
}

// ---------------------------------------------------------------------------------------
// Tests of the page with models the Node addon saves

async function prepareNodeModels(modelsDir) {
  let iris;
  try {
    iris = await import('../support/iris-models.mjs');
  } catch (error) {
    fail(`the Node addon or the npm packages cannot be loaded (${error.message}); ${SETUP_HINT}`);
  }
  const { samples, labels } = iris.irisData();
  const trained = iris.trainIrisModels(samples, labels);

  const models = {};
  for (const [name, model] of Object.entries(trained)) {
    const { modelPath } = iris.saveWithAddon(model, modelsDir);
    const text = readFileSync(modelPath, 'utf8');
    models[name] = {
      ...model,
      path: modelPath,
      fileName: modelPath.split(sep).pop(),
      text,
      bytes: statSync(modelPath).size,
      // The state as the file contains it. The forest's toJSON() returns tree nodes and
      // matrices that JSON.stringify converts through their own toJSON().
      savedState: JSON.parse(text).state,
    };
  }

  // Broken and unusual files, written as another program might leave them.
  const forestText = models.forest.text;
  const files = {
    'truncated.seraplot.json': forestText.slice(0, Math.floor(forestText.length / 2)),
    'nan.seraplot.json': '{"seraplot_model_v": 1, "kind": "kmeans", "state": {"centroids": [[NaN, 1.0]]}}',
    'version-2.seraplot.json': '{"seraplot_model_v":2,"kind":"kmeans","state":{"centroids":[[1,2]]}}',
    'latin1.seraplot.json': Buffer.concat([
      Buffer.from('{"seraplot_model_v":1,"kind":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('","state":null}'),
    ]),
    'linear.seraplot.json': JSON.stringify({
      seraplot_model_v: 1,
      kind: 'linear_regression',
      state: {
        coefficients: [[0.5, -1.25], [2, 3e-8]],
        intercept: 0.5,
        targets: ['y1', 'y2'],
        ragged: [[1], [2, 3]],
        scaler: { mean: 5.8, scale: 0.8 },
      },
      trained_at: '2026-12-04',
    }),
    'bad-centroids.seraplot.json': JSON.stringify({
      seraplot_model_v: 1,
      kind: 'kmeans',
      state: { centroids: [[1, 2], [3]] },
    }),
  };
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(modelsDir, name), content);
  }

  return { samples, models };
}

function pageTests(data) {
  const { samples, models } = data;
  const shippedSamples = SHIPPED_ROWS.map((row) => samples[row]);
  const modelFile = (name) => join(data.modelsDir, name);

  return [
    ['page starts with the Iris rows', async (session) => {
      const page = await openPage(session);
      const shown = await readPage(page);
      assert.equal(shown.status, 'idle');
      assert.equal(shown.modelShown, false);
      assert.equal(shown.errorShown, false);
      assert.equal(shown.predictionState, 'none');
      const text = await page.inputValue('#samples');
      const rows = text.split('\n').filter((line) => !line.startsWith('#'));
      assert.deepEqual(rows.map((line) => line.split(', ').map(Number)), shippedSamples);
    }],

    ['random forest file shows its outline', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.forest.path);
      const shown = await readPage(page);
      assertModelShown(shown, models.forest);
      assert.equal(shown.kind, 'random_forest_classifier');
      assert.equal(shown.fileName, models.forest.fileName);
      const { baseModel } = models.forest.savedState;
      assert.deepEqual(
        shown.outline.map((row) => [row.member, row.depth]),
        [
          ['baseModel', 0],
          ...Object.keys(baseModel).map((name) => [`baseModel.${name}`, 1]),
          ['name', 0],
        ],
      );
      const byMember = new Map(shown.outline.map((row) => [row.member, row]));
      assert.equal(byMember.get('baseModel').numbers, shown.numberCount);
      assert.equal(byMember.get('name').type, 'string');
      assert.deepEqual(byMember.get('baseModel.indexes'), {
        member: 'baseModel.indexes',
        depth: 1,
        type: 'array',
        shape: `${baseModel.indexes.length}x${baseModel.indexes[0].length}`,
        numbers: baseModel.indexes.flat().length,
      });
      assert.equal(byMember.get('baseModel.estimators').shape, String(baseModel.estimators.length));
      await screenshot(page, 'random-forest');
    }],

    ['random forest predicts like Node', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.forest.path);
      const shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, models.forest.predict(shippedSamples));
    }],

    ['random forest predicts all 150 rows', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.forest.path);
      await predictRows(page, samples);
      const shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.equal(shown.predictions.length, 150);
      assert.deepEqual(shown.predictions, models.forest.predict(samples));
    }],

    ['dropped k-means file predicts like Node', async (session) => {
      const page = await openPage(session);
      await dropFile(page, models.kmeans.fileName, models.kmeans.text);
      const shown = await readPage(page);
      assertModelShown(shown, models.kmeans);
      assert.equal(shown.fileName, models.kmeans.fileName);
      assert.deepEqual(shown.outline, [
        { member: 'centroids', depth: 0, type: 'array', shape: '3x4', numbers: 12 },
        { member: 'iterations', depth: 0, type: 'number', shape: '', numbers: 1 },
      ]);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, models.kmeans.predict(shippedSamples));
      await screenshot(page, 'kmeans');
    }],

    ['model named in the URL loads', async (session) => {
      const page = await openPage(session, `?model=/models/${models.kmeans.fileName}`);
      await page.waitForFunction(() => Number(document.getElementById('status').dataset.loadId) >= 1);
      const shown = await readPage(page);
      assertModelShown(shown, models.kmeans);
      assert.deepEqual(shown.predictions, models.kmeans.predict(shippedSamples));
    }],

    ['truncated file shows invalid_json', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('truncated.seraplot.json'));
      assertErrorShown(await readPage(page), 'invalid_json', 'seraplot', ['truncated']);
      await screenshot(page, 'error-truncated');
    }],

    ['NaN in the state shows non_finite_number', async (session) => {
      const page = await openPage(session, '?model=/models/nan.seraplot.json');
      await page.waitForFunction(() => Number(document.getElementById('status').dataset.loadId) >= 1);
      assertErrorShown(await readPage(page), 'non_finite_number', 'seraplot', ['NaN']);
      await screenshot(page, 'error-nan');
    }],

    ['version 2 shows unsupported_version', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('version-2.seraplot.json'));
      assertErrorShown(await readPage(page), 'unsupported_version', 'seraplot', ['seraplot_model_v 2']);
    }],

    ['Latin-1 file shows invalid_utf8', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('latin1.seraplot.json'));
      assertErrorShown(await readPage(page), 'invalid_utf8', 'page', ['latin1.seraplot.json', 'UTF-8']);
    }],

    ['missing URL shows fetch_failed', async (session) => {
      const page = await openPage(session, '?model=/models/missing.seraplot.json');
      await page.waitForFunction(() => Number(document.getElementById('status').dataset.loadId) >= 1);
      assertErrorShown(await readPage(page), 'fetch_failed', 'page', ['404']);
    }],

    ['unknown kind shows outline only', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('linear.seraplot.json'));
      const shown = await readPage(page);
      assert.equal(shown.status, 'loaded');
      assert.equal(shown.kind, 'linear_regression');
      assert.equal(shown.extraMembers, 'trained_at');
      assert.equal(shown.numberCount, 10);
      assert.deepEqual(shown.outline, [
        { member: 'coefficients', depth: 0, type: 'array', shape: '2x2', numbers: 4 },
        { member: 'intercept', depth: 0, type: 'number', shape: '', numbers: 1 },
        { member: 'targets', depth: 0, type: 'array', shape: '2', numbers: 0 },
        { member: 'ragged', depth: 0, type: 'array', shape: '2', numbers: 3 },
        { member: 'scaler', depth: 0, type: 'object', shape: '', numbers: 2 },
        { member: 'scaler.mean', depth: 1, type: 'number', shape: '', numbers: 1 },
        { member: 'scaler.scale', depth: 1, type: 'number', shape: '', numbers: 1 },
      ]);
      assert.equal(shown.predictionState, 'unavailable');
      assert.ok(shown.predictionNote.includes('"linear_regression"'), shown.predictionNote);
      await screenshot(page, 'unknown-kind');
    }],

    ['bad centroids show a prediction error', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('bad-centroids.seraplot.json'));
      const shown = await readPage(page);
      assert.equal(shown.status, 'loaded');
      assert.equal(shown.predictionState, 'error');
      assert.ok(shown.predictionNote.includes('state.centroids[1]'), shown.predictionNote);
      assert.deepEqual(shown.predictions, []);
    }],

    ['bad sample row names its line', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.kmeans.path);
      await page.fill('#samples', '5.1, 3.5, 1.4, 0.2\n6.0, x, 5.0, 1.5');
      await page.click('#predict-button');
      let shown = await readPage(page);
      assert.equal(shown.predictionState, 'error');
      assert.ok(shown.predictionNote.includes('Line 2'), shown.predictionNote);

      await page.fill('#samples', '5.1, 3.5, 1.4');
      await page.click('#predict-button');
      shown = await readPage(page);
      assert.equal(shown.predictionState, 'error');
      assert.ok(shown.predictionNote.includes('has 3 values'), shown.predictionNote);

      await page.click('#reset-samples-button');
      shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, models.kmeans.predict(shippedSamples));
    }],

    ['good file after an error clears it', async (session) => {
      const page = await openPage(session);
      await loadFile(page, modelFile('truncated.seraplot.json'));
      assert.equal((await readPage(page)).errorShown, true);
      await loadFile(page, models.kmeans.path);
      const shown = await readPage(page);
      assertModelShown(shown, models.kmeans);
      assert.equal(shown.errorCode, '');

      await loadFile(page, modelFile('nan.seraplot.json'));
      assertErrorShown(await readPage(page), 'non_finite_number', 'seraplot', ['NaN']);
    }],
  ];
}

// ---------------------------------------------------------------------------------------
// Tests of the cross-language leg

function readJson(path, producer) {
  if (!existsSync(path)) {
    fail(`${path} is missing; ${producer} writes it (scripts/cross-language.sh runs it first)`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function prepareCrossModels(crossDir, modelsDir) {
  const sklearn = readJson(join(crossDir, 'sklearn-kmeans-iris.json'), 'python/tests/test_sklearn.py');
  const node = readJson(join(crossDir, 'node-predictions.json'), 'tests/cross/node-leg.mjs');

  const models = {};
  const fileNames = {
    sklearn: sklearn.model_file,
    forest: node.files.random_forest_classifier,
    kmeans: node.files.kmeans,
  };
  for (const [name, fileName] of Object.entries(fileNames)) {
    const source = join(crossDir, fileName);
    const text = readFileSync(source);
    writeFileSync(join(modelsDir, fileName), text);
    models[name] = {
      fileName,
      path: join(modelsDir, fileName),
      bytes: text.length,
      savedState: JSON.parse(text.toString('utf8')).state,
    };
  }
  return { sklearn, node, models };
}

function crossTests(data) {
  const { sklearn, node, models } = data;

  return [
    ['scikit-learn k-means predicts its labels', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.sklearn.path);
      let shown = await readPage(page);
      assertModelShown(shown, { ...models.sklearn, kind: 'kmeans' });
      assert.deepEqual(
        shown.outline.find((row) => row.member === 'centroids'),
        { member: 'centroids', depth: 0, type: 'array', shape: '3x4', numbers: 12 },
      );
      await screenshot(page, 'cross-sklearn-kmeans');

      assert.equal(sklearn.samples.length, 150);
      await predictRows(page, sklearn.samples);
      shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, sklearn.labels);
    }],

    ['Node random forest predicts like Node', async (session) => {
      const page = await openPage(session, `?model=/models/${models.forest.fileName}`);
      await page.waitForFunction(() => Number(document.getElementById('status').dataset.loadId) >= 1);
      assertModelShown(await readPage(page), { ...models.forest, kind: 'random_forest_classifier' });

      await predictRows(page, node.samples);
      const shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, node.predictions.random_forest_classifier);
      await screenshot(page, 'cross-node-random-forest');
    }],

    ['Node k-means predicts like Node', async (session) => {
      const page = await openPage(session);
      await loadFile(page, models.kmeans.path);
      assertModelShown(await readPage(page), { ...models.kmeans, kind: 'kmeans' });

      await predictRows(page, node.samples);
      const shown = await readPage(page);
      assert.equal(shown.predictionState, 'ok', shown.predictionNote);
      assert.deepEqual(shown.predictions, node.predictions.kmeans);
    }],
  ];
}

// ---------------------------------------------------------------------------------------
// Runner

function withTimeout(promise, milliseconds, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${milliseconds / 1000} s`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function closePages(session) {
  const pages = session.openPages.splice(0);
  await Promise.all(pages.map((page) => page.close().catch(() => {})));
}

async function runTests(session, tests, counts) {
  for (const [name, test] of tests) {
    try {
      await withTimeout(test(session), TEST_TIMEOUT_MS, name);
      counts.passed += 1;
      console.log(`ok    ${name}`);
    } catch (error) {
      counts.failed += 1;
      console.log(`FAIL  ${name}\n      ${error.message.split('\n').join('\n      ')}`);
    } finally {
      await closePages(session);
    }
  }
}

function parseArguments(argv) {
  const crossIndex = argv.indexOf('--cross');
  if (crossIndex === -1) {
    return { crossDir: null };
  }
  const crossDir = argv[crossIndex + 1];
  if (!crossDir) {
    fail('--cross needs the folder that scripts/cross-language.sh filled');
  }
  return { crossDir: resolve(crossDir) };
}

async function main() {
  const counts = { passed: 0, failed: 0 };
  const workDir = mkdtempSync(join(tmpdir(), 'seraplot-browser-test-'));
  const modelsDir = join(workDir, 'models');
  mkdirSync(modelsDir);
  let server = null;
  let context = null;

  // Ends a run that hangs despite the per-test timeouts; exiting also ends Chromium,
  // which playwright-core started as a child process.
  const runTimer = setTimeout(() => {
    console.log(`FAIL  the run did not finish within ${RUN_TIMEOUT_MS / 60_000} minutes`);
    console.log(`browser: ${counts.passed} passed, ${counts.failed + 1} failed`);
    rmSync(workDir, { recursive: true, force: true });
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  runTimer.unref();

  try {
    const { crossDir } = parseArguments(process.argv.slice(2));
    buildPage();

    let tests;
    if (crossDir === null) {
      const data = await prepareNodeModels(modelsDir);
      tests = pageTests({ ...data, modelsDir });
    } else {
      tests = crossTests(await prepareCrossModels(crossDir, modelsDir));
    }

    let baseUrl;
    ({ server, baseUrl } = await startServer(modelsDir));
    context = await launchBrowser(join(workDir, 'chromium-profile'));
    const session = { context, baseUrl, openPages: [], pageErrors: [], consoleErrors: [], outsideRequests: [] };
    await confineToLoopback(context, baseUrl, session.outsideRequests);

    await runTests(session, tests, counts);
    await runTests(
      session,
      [
        ['page raised no uncaught errors', async () => assert.deepEqual(session.pageErrors, [])],
        ['page sent no outside requests', async () => assert.deepEqual(session.outsideRequests, [])],
      ],
      counts,
    );
    // Chromium logs a failed fetch as a console error, and one test fetches a missing file
    // on purpose, so console errors are printed but do not fail the run.
    for (const message of session.consoleErrors) {
      console.log(`note  console error: ${message}`);
    }
  } catch (error) {
    counts.failed += 1;
    console.log(`FAIL  setting up the browser test: ${error.message}`);
  } finally {
    if (context !== null) {
      await withTimeout(context.close(), STEP_TIMEOUT_MS, 'closing Chromium').catch((error) =>
        console.log(`note  ${error.message}`),
      );
    }
    if (server !== null) {
      await stopServer(server);
    }
    rmSync(workDir, { recursive: true, force: true });
    clearTimeout(runTimer);
  }

  if (screenshotCount > 0) {
    console.log(`${screenshotCount} screenshots are in ${OUTPUT_DIR}`);
  }
  console.log(`browser: ${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

await main();
