// Runs every contract vector in tests/vectors/*.json against every JavaScript build, so the
// Node addon and the WebAssembly build must return the same answers. Each case names a
// function, a payload, optional input files, and the expected answer or error code; the
// fields are listed in tests/vectors/README.md.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const VECTOR_DIR = path.join(__dirname, '..', 'vectors');

// Each build is loaded inside its own describe block, so a build that fails to load (the
// WebAssembly build before it is compiled, say) fails every one of its tests loudly.
const BUILDS = [
  {
    name: 'node',
    load: () => require('../../node'),
    // Vectors given as payload_base64 are bytes that are not valid UTF-8, which no
    // JavaScript string can carry, so they run only in builds that take a Uint8Array.
    takesBytes: true,
  },
  {
    name: 'wasm',
    load: () => require('../../wasm/index.cjs'),
    takesBytes: true,
  },
];

function readVectorFiles() {
  const names = fs.existsSync(VECTOR_DIR)
    ? fs.readdirSync(VECTOR_DIR).filter((name) => name.endsWith('.json')).sort()
    : [];
  return names.map((file) => {
    const cases = JSON.parse(fs.readFileSync(path.join(VECTOR_DIR, file), 'utf8'));
    if (!Array.isArray(cases)) {
      throw new Error(`tests/vectors/${file}: expected a JSON array of cases`);
    }
    return { file, cases };
  });
}

const VECTOR_FILES = readVectorFiles();

// SERAPLOT_TEST_BUILDS=node (a comma-separated list) runs only those builds, for working on
// one build while another is not compiled yet. By default every build runs.
function selectBuilds() {
  const requested = process.env.SERAPLOT_TEST_BUILDS;
  if (!requested) {
    return BUILDS;
  }
  const names = requested.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!BUILDS.some((build) => build.name === name)) {
      throw new Error(`SERAPLOT_TEST_BUILDS names an unknown build ${JSON.stringify(name)}`);
    }
  }
  return BUILDS.filter((build) => names.includes(build.name));
}

// Replaces {dir} in every string of value, object keys included.
function fillDir(value, dir) {
  if (typeof value === 'string') {
    return value.split('{dir}').join(dir);
  }
  if (Array.isArray(value)) {
    return value.map((item) => fillDir(item, dir));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [fillDir(key, dir), fillDir(item, dir)]),
    );
  }
  return value;
}

// A file's content in a vector: text to write as UTF-8, or {"base64": "..."} for raw bytes.
function fileBytes(content) {
  if (typeof content === 'string') {
    return Buffer.from(content, 'utf8');
  }
  return Buffer.from(content.base64, 'base64');
}

function makeTempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seraplot-vector-'));
  // {dir} is pasted into JSON text as it is, so it must not need escaping there.
  if (JSON.stringify(dir) !== `"${dir}"`) {
    throw new Error(`temporary folder ${dir} needs JSON escaping; set TMPDIR to a plain path`);
  }
  return dir;
}

// A name ending in '/' is a folder; any other name is a file with the given content.
function writeFiles(dir, files) {
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, fileBytes(content));
  }
}

// Lists everything under dir relative to it, with '/' separators and a trailing '/' on
// folders, as the vectors name them.
function listEntries(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => {
      const relative = path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name));
      const name = relative.split(path.sep).join('/');
      return entry.isDirectory() ? `${name}/` : name;
    })
    .sort();
}

// Returns the names together with every folder that contains one of them.
function withParentFolders(names) {
  const all = new Set(names);
  for (const name of names) {
    const parts = name.split('/').filter((part) => part !== '');
    for (let i = 1; i < parts.length; i += 1) {
      all.add(`${parts.slice(0, i).join('/')}/`);
    }
  }
  return [...all].sort();
}

function buildPayload(vector, dir) {
  if (vector.payload_base64 !== undefined) {
    return Buffer.from(vector.payload_base64, 'base64');
  }
  return fillDir(vector.payload, dir);
}

function callFunction(api, vector, payload) {
  if (vector.function === 'save') {
    return api.mlSaveModel(payload);
  }
  if (vector.function === 'load') {
    return api.mlLoadModel(payload);
  }
  throw new Error(`unknown "function" ${JSON.stringify(vector.function)} in vector`);
}

function checkAnswer(answer, expected) {
  if (expected === undefined || (expected.response === undefined && expected.code === undefined)) {
    throw new Error('invalid vector: "expect" needs "response" or "code"');
  }
  expect(typeof answer).toBe('string');
  // Every answer, success or failure, is JSON text.
  const parsed = JSON.parse(answer);

  if (expected.response !== undefined) {
    expect(answer).toBe(expected.response);
    return;
  }

  expect(parsed.ok).toBe(false);
  expect(parsed.code).toBe(expected.code);
  expect(typeof parsed.error).toBe('string');
  for (const part of expected.message_includes ?? []) {
    expect(parsed.error).toContain(part);
  }
}

function checkFiles(dir, expectedFiles, expectNoOtherFiles) {
  for (const [name, content] of Object.entries(expectedFiles ?? {})) {
    const target = path.join(dir, name);
    expect(fs.existsSync(target)).toBe(true);
    if (name.endsWith('/')) {
      expect(fs.statSync(target).isDirectory()).toBe(true);
    } else if (typeof content === 'string') {
      expect(fs.readFileSync(target, 'utf8')).toBe(content);
    } else {
      expect(fs.readFileSync(target).toString('base64')).toBe(content.base64);
    }
  }

  if (expectNoOtherFiles) {
    expect(listEntries(dir)).toEqual(withParentFolders(Object.keys(expectedFiles ?? {})));
  }
}

function runVector(api, vector) {
  const dir = makeTempDir();
  try {
    const filled = {
      files: fillDir(vector.files ?? {}, dir),
      expect: fillDir(vector.expect, dir),
      expectFiles: vector.expect_files === undefined ? undefined : fillDir(vector.expect_files, dir),
    };
    writeFiles(dir, filled.files);

    const answer = callFunction(api, vector, buildPayload(vector, dir));

    checkAnswer(answer, filled.expect);
    checkFiles(dir, filled.expectFiles, vector.expect_no_other_files === true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runsIn(vector, build) {
  return vector.builds === undefined || vector.builds.includes(build.name);
}

test('contract vectors exist', () => {
  const caseCount = VECTOR_FILES.reduce((sum, { cases }) => sum + cases.length, 0);
  expect(caseCount).toBeGreaterThan(0);
});

describe.each(selectBuilds())('$name build', (build) => {
  let api;

  beforeAll(() => {
    api = build.load();
  });

  describe.each(VECTOR_FILES)('$file', ({ cases }) => {
    const selected = cases.filter((vector) => runsIn(vector, build));
    const runnable = selected.filter((vector) => build.takesBytes || vector.payload_base64 === undefined);
    const bytesOnly = selected.filter((vector) => !runnable.includes(vector));

    if (runnable.length > 0) {
      test.each(runnable)('$name', (vector) => runVector(api, vector));
    }
    // Bytes that are not valid UTF-8 cannot be passed to a build that takes strings only.
    if (bytesOnly.length > 0) {
      test.skip.each(bytesOnly)('$name', () => {});
    }
  });
});
