// Behaviour of the Node build (seraplot/node) that the shared contract vectors do not cover:
// argument checks in JavaScript, byte input, the asynchronous functions, the event loop
// during large calls, and answers too long for a JavaScript string.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const seraplot = require('../../node');
const { checkPayload } = require('../../js/check-payload.cjs');

const ROOT = path.join(__dirname, '..', '..');
const ADDON_PATH = path.join(ROOT, 'build', 'Release', 'seraplot.node');

const FUNCTION_NAMES = ['mlSaveModel', 'mlLoadModel', 'mlSaveModelAsync', 'mlLoadModelAsync'];

const KMEANS_PAYLOAD = JSON.stringify({
  kind: 'kmeans',
  state: { k: 2, centroids: [[1.25, -3], [0.1, 7e-12]], labels: ['Ünïcödé', '中文', '😀'] },
});

// Payloads whose answers cover success and several failure codes, without files.
const PAYLOADS = {
  mlSaveModel: [
    KMEANS_PAYLOAD,
    '{"kind":"tree","state":[1,2.50,-0,1e400]}',
    '{"kind":"tree","state":{"a":1,"a":2}}',
    '{"kind":"tree"',
    '[]',
    '',
  ],
  mlLoadModel: [
    '{"data":"{\\"seraplot_model_v\\":1,\\"kind\\":\\"k\\",\\"state\\":[1.50]}"}',
    '{"data":{"seraplot_model_v":1,"kind":"k","state":{"x":"\\u00e9"}}}',
    '{"data":{"seraplot_model_v":2,"kind":"k","state":1}}',
    '{"data":{"kind":"k"}}',
    '{"path":"a","data":"b"}',
    'nul',
  ],
};

let tempDir;

beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seraplot-addon-test-'));
});

afterAll(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

function parseAnswer(answer) {
  expect(typeof answer).toBe('string');
  return JSON.parse(answer);
}

function caughtError(call) {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

// Returns a save payload whose state is about `megabytes` MB of number-heavy JSON.
function largeModelPayload(megabytes) {
  const rowCount = Math.ceil((megabytes * 1e6) / 200);
  const rows = [];
  for (let i = 0; i < rowCount; i += 1) {
    const row = [];
    for (let j = 0; j < 10; j += 1) {
      row.push(Math.sin(i * 10 + j) * 1e3);
    }
    rows.push(row);
  }
  return JSON.stringify({ kind: 'forest', state: { rows } });
}

// Calls start() and counts how often a 5 ms interval timer fires until its promise settles.
async function countTimerTicks(start) {
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
  }, 5);
  try {
    const result = await start();
    return { result, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('exports', () => {
  test('CommonJS entry has four functions', () => {
    expect(Object.keys(seraplot).sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const name of FUNCTION_NAMES) {
      expect(typeof seraplot[name]).toBe('function');
    }
  });

  test('ES module entry matches CommonJS', () => {
    const script = `
      import * as esm from ${JSON.stringify(path.join(ROOT, 'node', 'index.mjs'))};
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)(${JSON.stringify(path.join(ROOT, 'node'))});
      const names = Object.keys(esm).sort();
      console.log(JSON.stringify({ names, same: names.every((name) => esm[name] === cjs[name]) }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    const output = JSON.parse(child.stdout);
    expect(output.names).toEqual([...FUNCTION_NAMES].sort());
    expect(output.same).toBe(true);
  });
});

describe('argument checks', () => {
  const wrongArguments = [
    ['number', 42],
    ['undefined', undefined],
    ['object', { kind: 'kmeans', state: 1 }],
    ['null', null],
    ['array', ['{}']],
    ['boolean', true],
    ['ArrayBuffer', new ArrayBuffer(2)],
    ['Uint16Array', new Uint16Array(2)],
  ];

  describe.each(['mlSaveModel', 'mlLoadModel'])('%s', (name) => {
    test.each(wrongArguments)('throws TypeError for %s', (typeName, value) => {
      expect(() => seraplot[name](value)).toThrow(TypeError);
      expect(() => seraplot[name](value)).toThrow(
        `${name}(payload): expected a JSON string or a Uint8Array of UTF-8 bytes, got ${typeName}`,
      );
    });

    test('throws TypeError without an argument', () => {
      expect(() => seraplot[name]()).toThrow(`${name}(payload): `);
    });
  });

  describe.each(['mlSaveModelAsync', 'mlLoadModelAsync'])('%s', (name) => {
    test.each(wrongArguments)('rejects with TypeError for %s', async (typeName, value) => {
      const promise = seraplot[name](value);
      await expect(promise).rejects.toThrow(TypeError);
      await expect(promise).rejects.toThrow(`${name}(payload): `);
      await expect(promise).rejects.toThrow(`got ${typeName}`);
    });
  });

  // The addon's errors come from Node's main realm, not from the one jest runs tests in,
  // so they are checked by name rather than with instanceof.
  test.each([
    ['number', 42],
    ['Float64Array', new Float64Array(1)],
    ['undefined', undefined],
  ])('native addon throws TypeError for %s', (typeName, value) => {
    const addon = require(ADDON_PATH);
    for (const name of FUNCTION_NAMES) {
      const error = caughtError(() => addon[name](value));
      expect(error.name).toBe('TypeError');
      expect(error.message).toContain(`${name}(payload): `);
    }
  });
});

describe('lone surrogates', () => {
  const PREFIX = '{"kind":"k","state":"';
  // [case, payload, index of the lone surrogate, its code unit]
  const cases = [
    ['high surrogate alone', `${PREFIX}a\uD800b"}`, PREFIX.length + 1, 'D800'],
    ['low surrogate alone', `${PREFIX}\uDC00"}`, PREFIX.length, 'DC00'],
    ['high surrogate at end', `${PREFIX}x"}\uD83D`, PREFIX.length + 3, 'D83D'],
    ['low after full pair', `${PREFIX}\uD83D\uDE00\uDE00"}`, PREFIX.length + 2, 'DE00'],
    ['two highs in a row', `${PREFIX}\uD83D\uD83D\uDE00"}`, PREFIX.length, 'D83D'],
    ['low surrogate first', '\uDC00{}', 0, 'DC00'],
  ];

  test.each(cases)('%s gives invalid_utf8', (caseName, payload, index, unit) => {
    for (const name of ['mlSaveModel', 'mlLoadModel']) {
      const answer = parseAnswer(seraplot[name](payload));
      expect(answer.ok).toBe(false);
      expect(answer.code).toBe('invalid_utf8');
      expect(answer.error).toContain(`${name}(payload): `);
      expect(answer.error).toContain(`lone UTF-16 surrogate (U+${unit}) at character index ${index}`);
      expect(answer.error).toContain('cannot be encoded as UTF-8');
    }
  });

  test('async functions resolve to invalid_utf8', async () => {
    const payload = '{"kind":"k","state":"\uDFFF"}';
    for (const name of ['mlSaveModelAsync', 'mlLoadModelAsync']) {
      const answer = parseAnswer(await seraplot[name](payload));
      expect(answer.code).toBe('invalid_utf8');
      expect(answer.error).toContain(`${name}(payload): `);
    }
  });

  test('surrogate pairs pass the check', () => {
    const answer = parseAnswer(seraplot.mlSaveModel('{"kind":"k","state":"\uD83D\uDE00"}'));
    expect(answer.ok).toBe(true);
    expect(answer.data).toBe('{"seraplot_model_v":1,"kind":"k","state":"😀"}');
  });

  test('fallback without isWellFormed finds the same index', () => {
    const payload = 'ab\uD800cd';
    const withMethod = checkPayload('f', payload);

    const original = String.prototype.isWellFormed;
    delete String.prototype.isWellFormed;
    try {
      expect(checkPayload('f', payload)).toBe(withMethod);
      expect(checkPayload('f', 'ab\uD800\uDC00cd')).toBeUndefined();
    } finally {
      String.prototype.isWellFormed = original;
    }
    expect(withMethod).toContain('character index 2');
  });
});

describe('ES module twin of check-payload', () => {
  test('gives the same results as the CommonJS one', () => {
    const inputs = [
      '{}',
      'a\uD800',
      '\uDC00',
      'x\uD83D\uDE00y',
      42,
      null,
      undefined,
      [1],
      { a: 1 },
      true,
    ];
    const script = `
      import { checkPayload } from ${JSON.stringify(path.join(ROOT, 'js', 'check-payload.mjs'))};
      const inputs = ${JSON.stringify(inputs.map((value) => (value === undefined ? '__undefined__' : value)))}
        .map((value) => (value === '__undefined__' ? undefined : value));
      const results = inputs.map((value) => {
        try {
          return { returned: checkPayload('f', value) ?? null };
        } catch (error) {
          return { threw: error.constructor.name + ': ' + error.message };
        }
      });
      console.log(JSON.stringify(results));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');

    const expected = inputs.map((value) => {
      try {
        return { returned: checkPayload('f', value) ?? null };
      } catch (error) {
        return { threw: `${error.constructor.name}: ${error.message}` };
      }
    });
    expect(JSON.parse(child.stdout)).toEqual(expected);
  });
});

describe('byte input', () => {
  describe.each(['mlSaveModel', 'mlLoadModel'])('%s', (name) => {
    test.each(PAYLOADS[name])('Buffer and Uint8Array match string for %j', (payload) => {
      const fromString = seraplot[name](payload);
      const bytes = Buffer.from(payload, 'utf8');

      expect(seraplot[name](bytes)).toBe(fromString);
      expect(seraplot[name](new Uint8Array(bytes))).toBe(fromString);

      // A view that starts inside a larger buffer.
      const backing = new Uint8Array(bytes.length + 7);
      backing.set(bytes, 3);
      expect(seraplot[name](new Uint8Array(backing.buffer, 3, bytes.length))).toBe(fromString);
    });
  });

  test('invalid UTF-8 bytes give invalid_utf8', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"kind":"k","state":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const answer = parseAnswer(seraplot.mlSaveModel(bytes));
    expect(answer.ok).toBe(false);
    expect(answer.code).toBe('invalid_utf8');
  });

  test('bytes with NUL inside a string', () => {
    const payload = '{"kind":"k","state":"a\u0000b"}';
    const answer = parseAnswer(seraplot.mlSaveModel(Buffer.from(payload)));
    expect(answer.ok).toBe(false);
    expect(answer.code).toBe('invalid_json');
    expect(seraplot.mlSaveModel(payload)).toBe(seraplot.mlSaveModel(Buffer.from(payload)));
  });
});

describe('async functions', () => {
  describe.each([
    ['mlSaveModel', 'mlSaveModelAsync'],
    ['mlLoadModel', 'mlLoadModelAsync'],
  ])('%s and %s', (syncName, asyncName) => {
    test.each(PAYLOADS[syncName])('resolve to the same answer for %j', async (payload) => {
      const expected = seraplot[syncName](payload);
      const promise = seraplot[asyncName](payload);
      expect(promise).toBeInstanceOf(Promise);
      expect(await promise).toBe(expected);
      expect(await seraplot[asyncName](Buffer.from(payload))).toBe(expected);
    });
  });

  test('Buffer changed after the call is not seen', async () => {
    const bytes = Buffer.from(KMEANS_PAYLOAD);
    const expected = seraplot.mlSaveModel(bytes);

    const promise = seraplot.mlSaveModelAsync(bytes);
    bytes.fill(0x20);

    expect(await promise).toBe(expected);
  });

  test('parallel saves write the right files', async () => {
    const dir = fs.mkdtempSync(path.join(tempDir, 'parallel-'));
    const saveCount = 12;
    const payloads = [];
    for (let i = 0; i < saveCount; i += 1) {
      const state = { index: i, values: Array.from({ length: 2000 + i * 500 }, (_, j) => i * 1e6 + j) };
      payloads.push({ kind: `model-${i}`, state, path: path.join(dir, `model-${i}.json`) });
    }

    const answers = await Promise.all(
      payloads.map((payload) => seraplot.mlSaveModelAsync(JSON.stringify(payload))),
    );

    for (let i = 0; i < saveCount; i += 1) {
      const answer = parseAnswer(answers[i]);
      expect(answer.ok).toBe(true);
      expect(answer.path).toBe(payloads[i].path);

      const { path: _path, ...inline } = payloads[i];
      const inlineAnswer = parseAnswer(seraplot.mlSaveModel(JSON.stringify(inline)));
      expect(fs.readFileSync(payloads[i].path, 'utf8')).toBe(inlineAnswer.data);
      expect(answer.size).toBe(inlineAnswer.size);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(
      payloads.map((payload) => path.basename(payload.path)).sort(),
    );
  });

  test('parallel loads return the right models', async () => {
    const dir = fs.mkdtempSync(path.join(tempDir, 'parallel-load-'));
    const files = [];
    for (let i = 0; i < 8; i += 1) {
      const file = path.join(dir, `model-${i}.json`);
      const saved = parseAnswer(
        seraplot.mlSaveModel(JSON.stringify({ kind: 'k', state: { index: i }, path: file })),
      );
      expect(saved.ok).toBe(true);
      files.push(file);
    }

    const answers = await Promise.all(
      files.map((file) => seraplot.mlLoadModelAsync(JSON.stringify({ path: file }))),
    );

    answers.forEach((answer, i) => {
      expect(parseAnswer(answer).model).toEqual({ seraplot_model_v: 1, kind: 'k', state: { index: i } });
    });
  });
});

describe('event loop during large calls', () => {
  const payload = largeModelPayload(40);

  test('timers fire during async save and load', async () => {
    const file = path.join(tempDir, 'large-model.json');
    const savePayload = JSON.stringify({ ...JSON.parse(payload), path: file });

    const saved = await countTimerTicks(() => seraplot.mlSaveModelAsync(savePayload));
    const saveAnswer = parseAnswer(saved.result);
    expect(saveAnswer.ok).toBe(true);
    expect(saveAnswer.size).toBeGreaterThan(30e6);

    const loaded = await countTimerTicks(() =>
      seraplot.mlLoadModelAsync(JSON.stringify({ path: file })),
    );
    const loadAnswer = parseAnswer(loaded.result);
    expect(loadAnswer.ok).toBe(true);
    expect(loadAnswer.model.state.rows.length).toBe(JSON.parse(payload).state.rows.length);

    // The core needs a few hundred ms for 40 MB, so a 5 ms timer that is not blocked
    // fires many times. Three ticks is far below that but far above a blocked loop's zero.
    expect(saved.ticks).toBeGreaterThanOrEqual(3);
    expect(loaded.ticks).toBeGreaterThanOrEqual(3);
  });

  test('timers stop during sync save', async () => {
    const measured = await countTimerTicks(async () => seraplot.mlSaveModel(payload));
    expect(parseAnswer(measured.result).ok).toBe(true);
    expect(measured.ticks).toBe(0);
  });
});

describe('answer too long for a string', () => {
  // V8's maximum string length on 64-bit systems is 2^29 - 24 characters. An envelope of
  // 2^29 + 1000 bytes can be read by the core but not returned to JavaScript.
  const FILE_BYTES = 2 ** 29 + 1000;
  // The file, the core's copy of it and the failed answer need about 2 GB at the same time.
  const enoughMemory = os.totalmem() >= 6 * 2 ** 30;
  const testIfMemory = enoughMemory ? test : test.skip;

  testIfMemory('load gives too_large, sync and async', async () => {
    const file = path.join(tempDir, 'huge-model.json');
    const head = Buffer.from('{"seraplot_model_v":1,"kind":"k","state":"');
    const tail = Buffer.from('"}');
    const body = Buffer.alloc(FILE_BYTES - head.length - tail.length, 'a');
    fs.writeFileSync(file, Buffer.concat([head, body, tail]));

    try {
      const payload = JSON.stringify({ path: file });
      for (const answerText of [seraplot.mlLoadModel(payload), await seraplot.mlLoadModelAsync(payload)]) {
        const answer = parseAnswer(answerText);
        expect(answer.ok).toBe(false);
        expect(answer.code).toBe('too_large');
        expect(answer.error).toContain('longer than the longest string V8 can create');
      }
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('missing addon', () => {
  test('error names npm install', () => {
    const copy = fs.mkdtempSync(path.join(tempDir, 'no-addon-'));
    fs.mkdirSync(path.join(copy, 'node'));
    fs.mkdirSync(path.join(copy, 'js'));
    fs.copyFileSync(path.join(ROOT, 'node', 'index.cjs'), path.join(copy, 'node', 'index.cjs'));
    fs.copyFileSync(path.join(ROOT, 'js', 'check-payload.cjs'), path.join(copy, 'js', 'check-payload.cjs'));

    const child = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(copy, 'node', 'index.cjs'))})`], {
      encoding: 'utf8',
    });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain('seraplot: the native addon');
    expect(child.stderr).toContain('is missing');
    expect(child.stderr).toContain('npm install');
    expect(child.stderr).toContain('npm run build:addon');
  });
});
