#!/usr/bin/env node
// Builds the Node-API addon (build/Release/seraplot.node) with node-gyp. This is the
// package's "install" script and also `npm run build:addon`.
//
// It prefers the node-gyp that ships with npm, so that nothing has to be installed first,
// and passes --nodedir when the running Node has its headers installed beside it, so that
// node-gyp does not download them. Without such headers node-gyp downloads them as usual.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const packageRoot = path.resolve(__dirname, '..');
const isWindows = process.platform === 'win32';

// Returns the command that starts node-gyp, as [program, ...leading arguments].
function findNodeGyp() {
  // npm names its own node-gyp in this variable when it runs a package's scripts.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && fs.existsSync(fromNpm)) {
    return [process.execPath, fromNpm];
  }

  const candidates = [];
  // npm_execpath is npm's own npm-cli.js when npm runs this script.
  if (process.env.npm_execpath) {
    const npmDir = path.resolve(path.dirname(process.env.npm_execpath), '..');
    candidates.push(path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  // npm installed beside this Node: <prefix>/lib/node_modules/npm on Unix, and
  // <dir of node.exe>/node_modules/npm on Windows.
  const nodeDir = path.dirname(process.execPath);
  const globalModules = isWindows
    ? path.join(nodeDir, 'node_modules')
    : path.join(nodeDir, '..', 'lib', 'node_modules');
  candidates.push(path.join(globalModules, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));

  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return [process.execPath, candidate];
    }
  }
  return [isWindows ? 'node-gyp.cmd' : 'node-gyp'];
}

// Returns the folder to pass as --nodedir, or undefined to let node-gyp decide. The folder
// qualifies when it contains the Node-API headers of exactly the running Node version, as
// /usr does for Debian's and NodeSource's packages (/usr/include/node).
function findLocalNodeHeaders() {
  if (process.env.npm_config_nodedir) {
    return undefined; // node-gyp reads this setting itself.
  }

  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const headerDir = path.join(prefix, 'include', 'node');
  if (!fs.existsSync(path.join(headerDir, 'node_api.h'))) {
    return undefined;
  }

  let versionHeader;
  try {
    versionHeader = fs.readFileSync(path.join(headerDir, 'node_version.h'), 'utf8');
  } catch {
    return undefined;
  }
  const part = (name) => {
    const match = versionHeader.match(new RegExp(`#define ${name} (\\d+)`));
    return match ? match[1] : '?';
  };
  const headerVersion = `v${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
  return headerVersion === process.version ? prefix : undefined;
}

function printBuildHelp(reason) {
  console.error(`
seraplot: building the native addon failed (${reason}).
The addon is compiled from C++ on install and needs:
  - a C++17 compiler and make (Debian/Ubuntu: apt-get install g++ make),
  - Python 3 for node-gyp (apt-get install python3),
  - RapidJSON's headers (apt-get install rapidjson-dev),
  - Node's headers: those installed with Node, or a download by node-gyp.
Install what is missing, then run \`npm rebuild seraplot\` (in this package's own folder:
\`npm run build:addon\`). The WebAssembly build (seraplot/wasm) needs none of these.
`);
}

function main() {
  const [program, ...leadingArgs] = findNodeGyp();
  const args = [...leadingArgs, 'rebuild'];
  const nodeDir = findLocalNodeHeaders();
  if (nodeDir) {
    args.push(`--nodedir=${nodeDir}`);
  }

  console.error(`seraplot: ${[program, ...args].join(' ')}`);
  const result = spawnSync(program, args, {
    cwd: packageRoot,
    stdio: 'inherit',
    // node-gyp.cmd on Windows runs only through a shell.
    shell: isWindows && program.endsWith('.cmd'),
  });

  if (result.error) {
    const reason = result.error.code === 'ENOENT'
      ? `node-gyp was not found: install npm or run \`npm install -g node-gyp\``
      : `could not start node-gyp: ${result.error.message}`;
    printBuildHelp(reason);
    process.exit(1);
  }
  if (result.status !== 0) {
    const reason = result.signal
      ? `node-gyp was stopped by signal ${result.signal}`
      : `node-gyp exited with status ${result.status}; its output above names the first error`;
    printBuildHelp(reason);
    process.exit(result.status || 1);
  }
}

main();
