// The compiled CLI (dist/, built from src/ by scripts/build.mjs): bin/fixbench.mjs runs it without
// TypeScript at run time, refuses a missing or modified build, refuses a stale one for run/eval/merge
// (warns for the others), names its build hash in run.json, and a run's records, logs and report
// equal those of the uncompiled CLI apart from times.
import { appendFile, cp, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';
import { sameApartFromTimes } from '../../bench/lib/same-run.ts';
import { BUNDLE_EXTERNAL, importMetaUrlOf } from '../../scripts/build.mjs';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-compiled-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of the package's files `parts` (and package-lock.json, a build input) under `tmp/<name>` (node_modules linked); returns its bin. */
async function packageCopy(name: string, parts: string[]): Promise<string> {
  const pkg = path.join(tmp, name);
  for (const f of ['package-lock.json', ...parts]) await cp(path.join(ROOT, f), path.join(pkg, f), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  return path.join(pkg, 'bin', 'fixbench.mjs');
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

describe('compiled CLI', () => {
  it('dist/ holds plain JavaScript: no import of a .ts file or of tsx, and the templates beside it', async () => {
    const files = await walk(path.join(ROOT, 'dist'));
    const js = files.filter((f) => /\.c?js$/.test(f));
    expect(js.length).toBeGreaterThan(100);
    for (const f of js) {
      const text = await readFile(f, 'utf8');
      expect(text, f).not.toMatch(/from\s+["'][^"']+\.ts["']|import\(\s*["'][^"']+\.ts["']\s*\)/);
      expect(text, f).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    }
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['dist/cli/main.js', 'dist/bundle/main.cjs', 'dist/bundle/main.cjs.cache', 'dist/agents/templates/system.hbs', 'dist/report/templates/layout.hbs', 'dist/report/templates/precompiled.cjs']));
    expect(await readFile(path.join(ROOT, 'bin', 'fixbench.mjs'), 'utf8')).not.toMatch(/tsx/);
  });

  it('bin/fixbench.mjs runs the start-up bundle with its code cache; the bundle is one file that requires no module of dist/ and no package of node_modules but the external ones, and imports nothing dynamically', async () => {
    const bin = await readFile(path.join(ROOT, 'bin', 'fixbench.mjs'), 'utf8');
    expect(bin).toMatch(/code = bytes\(BUNDLE_FILE\)/);
    expect(bin).toMatch(/loadBundle\(code, dist\(BUNDLE_FILE\), cache\)/);
    const js = (await walk(path.join(ROOT, 'dist', 'bundle'))).filter((f) => !f.endsWith('.map'));
    expect(js.map((f) => path.relative(ROOT, f)).sort()).toEqual(['dist/bundle/main.cjs', 'dist/bundle/main.cjs.cache']);
    const text = await readFile(path.join(ROOT, 'dist', 'bundle', 'main.cjs'), 'utf8');
    // esbuild writes every require of the bundle as require("…"); the sources' own generated code (test helpers, relays) quotes with '
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(10);
    for (const spec of required) expect(isBuiltin(spec) || BUNDLE_EXTERNAL.some((p) => spec === p || spec.startsWith(`${p}/`)), `the bundle requires ${spec}`).toBe(true);
    // no import() call left (bundle-load runs the bundle without a module loader); comment lines aside
    const code = text.split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
    expect(code.filter((l) => /(?:^|[^\w.$])import\(\s*["'`a-zA-Z_$]/.test(l))).toEqual([]);
  });

  it("the build's code cache is taken by this Node for the bundle, and a changed cache is refused like any file of dist/ (exit 2)", async () => {
    const probe = `import { readFileSync } from 'node:fs';
import { loadBundle } from ${JSON.stringify(path.join(ROOT, 'scripts', 'bundle-load.mjs'))};
const f = ${JSON.stringify(path.join(ROOT, 'dist', 'bundle', 'main.cjs'))};
const r = loadBundle(readFileSync(f), f, readFileSync(f + '.cache'));
// a stack trace through the cached functions (an argument that throws when commander reads it)
let trace = '';
const write = process.stderr.write;
process.stderr.write = (s) => { trace += s; return true; };
await r.exports.main(['run', '--concurrency', { toString() { throw new Error('probe'); } }]).catch(() => {});
process.stderr.write = write;
process.stdout.write(JSON.stringify({ rejected: r.rejected, main: typeof r.exports.main, trace }));`;
    const r = await execa('node', ['--input-type=module', '-e', probe], { cwd: tmp, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rejected: boolean; main: string; trace: string };
    expect(out).toMatchObject({ rejected: false, main: 'function' });
    // the trace names the bundle where it is installed, not the build's temporary folder the cache was made in
    expect(out.trace).toContain(`(${path.join(ROOT, 'dist', 'bundle', 'main.cjs')}:`);
    expect(out.trace).not.toMatch(/dist\.tmp-/);
    const bin = await packageCopy('cache-modified', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const cache = path.join(path.dirname(path.dirname(bin)), 'dist', 'bundle', 'main.cjs.cache');
    const bytes = await readFile(cache);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await writeFile(cache, bytes);
    const run = await runCli(['--version'], { bin, cwd: tmp });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/the compiled CLI was modified after it was built \(a file of dist\/ differs from what the build wrote\)/);
  });

  it("a module's import.meta.url in the bundle is its dist/ twin's URL, from the bundle one folder below dist/", () => {
    const url = importMetaUrlOf(path.join(ROOT, 'src', 'report', 'render.ts'));
    expect(url).toBe('new URL("../report/render.js", import.meta.url).href');
    const chunk = new URL('file:///pkg/dist/bundle/main.cjs');
    expect(new URL('../report/render.js', chunk).href).toBe('file:///pkg/dist/report/render.js');
  });

  it('--help lists every command, and a command its sources import lazily loads (models list, tasks list, report)', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    for (const c of ['run', 'merge', 'compare', 'recommend', 'history', 'report', 'tasks', 'doctor', 'agents', 'models']) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    const models = await runCli(['models', 'list', '--json']);
    expect(models.exitCode, models.stderr).toBe(0);
    expect(JSON.parse(models.stdout)).toBeTruthy();
    const tasks = await runCli(['tasks', 'list', '--json']);
    expect(tasks.exitCode, tasks.stderr).toBe(0);
    expect((JSON.parse(tasks.stdout) as unknown[]).length).toBeGreaterThan(0);
    const report = await runCli(['report', 'no-such-run', '--results', tmp]);
    expect(report.exitCode).toBe(2); // the report command's own answer, from its lazily run module
    expect(report.stderr).toMatch(/no-such-run/);
  });

  it('without a build, bin/fixbench.mjs exits 2 naming `npm run build` (never falls back to the sources)', async () => {
    const bin = await packageCopy('unbuilt', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json']);
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/the compiled CLI is missing \(.*unbuilt\/dist\/\)/);
    expect(r.stderr).toMatch(/npm run build/);
    expect(r.stdout).toBe('');
  });

  it('a source whose mtime moved but whose bytes did not is no stale build; an edited one warns for --version and refuses `run` (exit 2, naming `npm run build`)', async () => {
    // dist/ copied last, so it is newer than its sources; then one source is touched, then edited
    const bin = await packageCopy('stale', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const fresh = await runCli(['--version'], { bin, cwd: tmp });
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stderr).toBe('');
    const edited = path.join(tmp, 'stale', 'src', 'core', 'ids.ts');
    const later = new Date(Date.now() + 60_000);
    await utimes(edited, later, later);
    const touched = await runCli(['--version'], { bin, cwd: tmp });
    expect(touched.exitCode, touched.stderr).toBe(0);
    expect(touched.stderr).toBe(''); // the content hash of src/ is as built
    await appendFile(edited, '\n// edited after the build\n');
    await utimes(edited, later, later);
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.stderr).toMatch(/warning: the compiled CLI is older than its sources \(src\/core\/ids\.ts changed since the last build\); run `npm run build`/);
    const run = await runCli(['run', '--no-models', '--task', 'js-duration-1'], { bin, cwd: tmp });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/older than its sources \(src\/core\/ids\.ts changed since the last build\): `run` would record results of code other than this checkout's\. Run `npm run build`/);
    expect(run.stdout).toBe('');
  });

  it('a modified dist/ is refused for every command (exit 2), a changed file or an added one', async () => {
    const bin = await packageCopy('modified', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const pkg = path.dirname(path.dirname(bin));
    await appendFile(path.join(pkg, 'dist', 'core', 'ids.js'), '\n;globalThis.tampered = true;\n');
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/the compiled CLI was modified after it was built \(a file of dist\/ differs from what the build wrote\); rebuild it with `npm run build`/);
    expect(r.stdout).toBe('');
    const bin2 = await packageCopy('added', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    await writeFile(path.join(path.dirname(path.dirname(bin2)), 'dist', 'cli', 'extra.js'), 'export {};\n');
    expect((await runCli(['--version'], { bin: bin2, cwd: tmp })).exitCode).toBe(2);
  });

  it('a build of the older layout (no dist/bundle/main.cjs), whose stamp still matches its files, exits 2 naming `npm run build` (no stack trace)', async () => {
    const bin = await packageCopy('old-layout', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const pkg = path.dirname(path.dirname(bin));
    await rm(path.join(pkg, 'dist', 'bundle', 'main.cjs'));
    await rm(path.join(pkg, 'dist', 'bundle', 'main.cjs.cache'));
    await writeFile(path.join(pkg, 'dist', 'bundle', 'main.js'), 'export const main = async () => 0;\n');
    const { distHash } = (await import(pathToFileURL(path.join(pkg, 'scripts', 'build-stale.mjs')).href)) as typeof import('../../scripts/build-stale.mjs');
    const stampFile = path.join(pkg, 'dist', '.build-stamp');
    await writeFile(stampFile, JSON.stringify({ ...JSON.parse(await readFile(stampFile, 'utf8')), dist_hash: distHash(path.join(pkg, 'dist')) }));
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/has no bundle\/main\.cjs \(a build of an older fixbench\); rebuild it with `npm run build`/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('regression: a dist/ entry that is not a regular file or folder (a node_modules link shadowing imports) is refused (exit 2), named', async () => {
    const bin = await packageCopy('linked', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const pkg = path.dirname(path.dirname(bin));
    await symlink(path.join(tmp, 'elsewhere'), path.join(pkg, 'dist', 'node_modules'));
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/dist\/node_modules is not a regular file or folder.*rebuild it with `npm run build`/);
    expect(r.stdout).toBe('');
  });

  it('`npm run build` rebuilds dist/ from the sources, after which the warning is gone', async () => {
    const bin = await packageCopy('rebuilt', ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'dist']);
    const pkg = path.dirname(path.dirname(bin));
    const later = new Date(Date.now() + 1000);
    await utimes(path.join(pkg, 'src', 'cli', 'main.ts'), later, later);
    await new Promise((r) => setTimeout(r, 1100));
    const b = await execa('npm', ['run', 'build'], { cwd: pkg, reject: false });
    expect(b.exitCode, b.stderr).toBe(0);
    const r = await runCli(['--version'], { bin, cwd: tmp });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
  });

  it("a run's records, logs and report equal the uncompiled CLI's apart from times", async () => {
    const run = async (entry: string, side: string) => {
      const r = await execa('node', [entry, 'run', '--no-models', '--task', 'js-duration-1,js-ini-1', '--sandbox', 'local', '--run-id', 'same',
        '--results', path.join(tmp, side, 'results'), '--reports', path.join(tmp, side, 'reports')], { cwd: ROOT, reject: false, env: { ...process.env, OPENROUTER_API_KEY: '' } });
      expect(r.exitCode, r.stderr).toBe(0);
    };
    await run(path.join(ROOT, 'bin', 'fixbench.mjs'), 'compiled');
    // run.json names the build that ran (dist/ is git-ignored: the commit alone cannot)
    const stamp = JSON.parse(await readFile(path.join(ROOT, 'dist', '.build-stamp'), 'utf8')) as { dist_hash: string };
    const header = JSON.parse(await readFile(path.join(tmp, 'compiled', 'results', 'same', 'run.json'), 'utf8')) as { harness: { build?: string } };
    expect(header.harness.build).toBe(stamp.dist_hash);
    await run(path.join(ROOT, 'bench', 'lib', 'fixbench-tsx.mjs'), 'sources');
    expect(await sameApartFromTimes(path.join(tmp, 'compiled', 'results', 'same'), path.join(tmp, 'sources', 'results', 'same'))).toEqual([]);
    expect(await sameApartFromTimes(path.join(tmp, 'compiled', 'reports', 'same'), path.join(tmp, 'sources', 'reports', 'same'))).toEqual([]);
  });
});
