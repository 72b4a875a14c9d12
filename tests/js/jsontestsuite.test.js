// Runs every JSONTestSuite test_parsing file that is valid UTF-8 through both JavaScript
// builds as the state of a save payload, with the verdicts the core's GoogleTest suite
// checks: y_ files save and load back equal, n_ files are rejected, and i_ files get the
// verdict recorded in docs/jsontestsuite.md. The two builds must also give the same answer.
'use strict';

const fs = require('fs');
const path = require('path');

const SUITE_DIR = path.join(
  process.env.SERAPLOT_JSONTESTSUITE_DIR ||
    path.join(__dirname, '..', '..', '..', 'shared', 'conformance', 'jsontestsuite'),
  'test_parsing',
);
const VERDICTS_DOC = path.join(__dirname, '..', '..', 'docs', 'jsontestsuite.md');

// Accepted JSON whose objects repeat a key, which seraplot rejects.
const REPEATED_KEY_FILES = ['y_object_duplicated_key.json', 'y_object_duplicated_key_and_value.json'];

const node = require('../../node');
const wasm = require('../../wasm/index.cjs');

// Reads the rows "| i_name.json | accepted |" and "| i_name.json | rejected: code |".
function documentedVerdicts() {
  const verdicts = new Map();
  for (const line of fs.readFileSync(VERDICTS_DOC, 'utf8').split('\n')) {
    const match = /^\| (i_\S+) \| (.+?) \|$/.exec(line);
    if (match) {
      verdicts.set(match[1], match[2]);
    }
  }
  return verdicts;
}

// The files whose bytes are valid UTF-8, as text; a JavaScript string cannot carry the rest.
function utf8Files() {
  if (!fs.existsSync(SUITE_DIR)) {
    throw new Error(`JSONTestSuite is missing: no folder ${SUITE_DIR}; set SERAPLOT_JSONTESTSUITE_DIR`);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const files = [];
  for (const name of fs.readdirSync(SUITE_DIR).sort()) {
    try {
      files.push([name, decoder.decode(fs.readFileSync(path.join(SUITE_DIR, name)))]);
    } catch {
      // Not UTF-8: covered by the core's tests, which pass bytes.
    }
  }
  return files;
}

const FILES = utf8Files();
const VERDICTS = documentedVerdicts();

function payloadFor(state) {
  return `{"kind":"conformance","state":${state}}`;
}

test('finds the suite', () => {
  expect(FILES.length).toBeGreaterThan(250);
});

describe.each(FILES)('%s', (name, text) => {
  const nodeAnswer = node.mlSaveModel(payloadFor(text));
  const wasmAnswer = wasm.mlSaveModel(payloadFor(text));

  test('both builds give the same answer', () => {
    expect(wasmAnswer).toBe(nodeAnswer);
  });

  test('gets its verdict', () => {
    const answer = JSON.parse(nodeAnswer);
    expect(typeof answer.ok).toBe('boolean');
    if (!answer.ok) {
      expect(answer.error.length).toBeGreaterThan(0);
    }

    if (name.startsWith('n_')) {
      expect(answer.ok).toBe(false);
    } else if (name.startsWith('i_')) {
      expect(VERDICTS.has(name)).toBe(true);
      expect(answer.ok ? 'accepted' : `rejected: ${answer.code}`).toBe(VERDICTS.get(name));
    } else if (REPEATED_KEY_FILES.includes(name)) {
      expect(answer.code).toBe('duplicate_key');
    } else {
      expect(answer.ok).toBe(true);
    }
  });

  if (name.startsWith('y_') && !REPEATED_KEY_FILES.includes(name)) {
    test.each([
      ['node', node],
      ['wasm', wasm],
    ])('loads back equal in %s', (_, build) => {
      const { data } = JSON.parse(nodeAnswer);
      const loaded = JSON.parse(build.mlLoadModel(JSON.stringify({ data })));
      expect(loaded.ok).toBe(true);
      expect(loaded.model.state).toEqual(JSON.parse(text));
    });
  }
});
