// An old Node from the npm registry gets the npm its line shipped with (npmForNode), installed
// beside it in Node's own layout, with the host npm's global config and the integrity npm verified
// recorded. The registry is a loopback server serving original stand-in packages.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, ensureNodeRuntime, nodePackageName, npmForNode, type RuntimeManifest } from '../../../src/workspace/node-runtime.ts';

const NODE = '12.22.12';
const NPM = '6.14.16';
let tmp: string;
let server: http.Server;
let registry: string;
const saved = { ...process.env };
const tarballs = new Map<string, Buffer>();

/** A package tarball with `files`, served as `<name>@<version>`. */
function pack(name: string, version: string, files: Record<string, string>): void {
  const root = path.join(tmp, 'src', name, 'package');
  for (const [rel, text] of Object.entries({ 'package.json': JSON.stringify({ name, version }), ...files })) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    if (rel.startsWith('bin/')) chmodSync(path.join(root, rel), 0o755);
  }
  const tgz = path.join(tmp, `${name}.tgz`);
  execFileSync('tar', ['-czf', tgz, '-C', path.dirname(root), 'package']);
  tarballs.set(name, readFileSync(tgz));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-node-npm-'));
  pack(nodePackageName(), NODE, { 'bin/node': `#!/bin/sh\nexec "${process.execPath}" "$@"\n` });
  pack('npm', NPM, { 'bin/npm-cli.js': `#!/usr/bin/env node\nconsole.log('${NPM}');\n`, 'bin/npx-cli.js': '#!/usr/bin/env node\n' });
  const versions: Record<string, string> = { [nodePackageName()]: NODE, npm: NPM };
  server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').slice(1));
    const bytes = tarballs.get(name.split('/-/')[0]!);
    if (!bytes) return res.writeHead(404).end('{}');
    if (name.includes('/-/')) return res.end(bytes);
    const dist = { tarball: `${registry}/${name}/-/${name}-${versions[name]}.tgz`, integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}` };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name, 'dist-tags': { latest: versions[name] }, versions: { [versions[name]!]: { name, version: versions[name], dist } } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The host npm's global config: it must be copied beside the old npm.
  writeFileSync(path.join(tmp, 'global-npmrc'), 'cafile=/etc/ssl/certs/example.pem\nnoproxy=127.0.0.1\n//registry.example/:_authToken=npm_SECRET\n//127.0.0.1/:_password=c2VjcmV0\nhttps-proxy=http://alice:S3CRET-PROXY-PW@10.255.255.1:3128/\n@corp:registry=https://bob:S3CRET-REG-PW@npm.corp.example/\nproxy=http://10.255.255.1:3128/\n');
  Object.assign(process.env, { npm_config_registry: registry, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_globalconfig: path.join(tmp, 'global-npmrc') });
}, 60_000);
afterAll(async () => {
  server.close();
  for (const k of ['npm_config_registry', 'npm_config_cache', 'npm_config_globalconfig']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await rm(tmp, { recursive: true, force: true });
});

describe('npm for an old Node', () => {
  it('names the npm each Node line shipped with, and none from 18 on', () => {
    expect(npmForNode('12.22.12')).toBe('6.14.16');
    expect(npmForNode('4.9.1')).toBe('2.15.11');
    expect(npmForNode('16.20.2')).toBe('8.19.4');
    expect(npmForNode('18.20.4')).toBeNull();
    expect(npmForNode('21.6.2')).toBeNull();
  });

  it('installs it beside Node 12 as bin/npm, copies the host npm global connection settings (no token), and records the verified integrity', async () => {
    const dir = await ensureNodeRuntime(NODE, path.join(tmp, 'cache'));
    const npm = execFileSync(path.join(dir, 'bin', 'npm'), { env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` } }).toString().trim();
    expect(npm).toBe(NPM);
    // Connection settings only: a token in the host's global config never reaches the runtime the agent sees.
    expect(await readFile(`${dir}.npmrc`, 'utf8')).toBe('cafile=/etc/ssl/certs/example.pem\nnoproxy=127.0.0.1\nproxy=http://10.255.255.1:3128/\n');
    // Beside the runtime, not in it: the folder shown to an agent holds no npm config.
    expect(existsSync(path.join(dir, 'etc', 'npmrc'))).toBe(false);
    const manifest = JSON.parse(await readFile(path.join(dir, 'runtime.json'), 'utf8')) as RuntimeManifest;
    const sha = (name: string) => `sha512-${createHash('sha512').update(tarballs.get(name)!).digest('base64')}`;
    expect(manifest.packages).toEqual([
      { spec: `${nodePackageName()}@${NODE}`, integrity: sha(nodePackageName()) },
      { spec: `npm@${NPM}`, integrity: sha('npm') },
    ]);
  }, 120_000);
});

describe('connectionSettings (the host npmrc lines shown to the agent)', () => {
  it('drops proxy and registry URLs with a user name or password, naming the key and never the value', () => {
    const keys: string[] = [];
    const text = 'registry=https://registry.npmjs.org/\nhttps-proxy = "http://alice:S3CRET@proxy:3128"\n@corp:registry=https://bob@npm.corp.example/\nproxy=not a url\nstrict-ssl=false\n_auth=c2VjcmV0\n';
    expect(connectionSettings(text, (k) => keys.push(k))).toBe('registry=https://registry.npmjs.org/\nstrict-ssl=false\n');
    expect(keys).toEqual(['https-proxy', '@corp:registry', 'proxy']);
    expect(keys.join(' ')).not.toMatch(/S3CRET|alice|bob/);
  });

  it('regression: drops registry and proxy URLs with a query string or a token-like path segment, naming the key and never the value', () => {
    const keys: string[] = [];
    const text = [
      'registry=https://npm.corp.example/api/npm/npm-remote/',
      '@corp:registry=https://npm.corp.example/repo/?token=S3CRETtok',
      'https-proxy=http://proxy:3128/?',
      'registry=https://gemfury.example/AbCdEf0123456789_-xyZ/',
      '@other:registry=https://npm.corp.example/api/npm/my-company-npm-virtual-repo/',
    ].join('\n');
    expect(connectionSettings(text, (k) => keys.push(k))).toBe('registry=https://npm.corp.example/api/npm/npm-remote/\n@other:registry=https://npm.corp.example/api/npm/my-company-npm-virtual-repo/\n');
    expect(keys).toEqual(['@corp:registry', 'https-proxy', 'registry']);
    expect(keys.join(' ')).not.toMatch(/S3CRET|AbCdEf/);
  });
});
