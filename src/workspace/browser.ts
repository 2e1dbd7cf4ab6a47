// The headless browser of a task (task.yaml `browser: chromium`, src/config/task-browser.ts),
// without Docker: the host's Chromium, run through a launcher script fixbench writes once per
// flag set under `<cache dir>/browser/<hash>/chromium` (the script adds the flags, then the
// caller's). The sandbox shows the script's folder read-only and names it in CHROME_BIN (what
// karma-chrome-launcher runs), CHROMIUM_BIN and PUPPETEER_EXECUTABLE_PATH; Chromium itself lives
// under /usr, which the sandbox shows read-only already.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { browserFlags, type TaskBrowser } from '../config/task-browser.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { InfraError } from '../core/errors.ts';
import { shellQuote } from '../core/shell-quote.ts';
import { defaultCacheDir } from './env-cache.ts';

/** Where Chromium is looked for, in order, after `FIXBENCH_CHROMIUM`. */
export const CHROMIUM_CANDIDATES: readonly string[] = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

const isExecutable = (f: string): boolean => {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The host's Chromium program: `FIXBENCH_CHROMIUM` when set (must be an executable file), else the
 * first executable of `CHROMIUM_CANDIDATES`; null when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FIXBENCH_CHROMIUM) return isExecutable(env.FIXBENCH_CHROMIUM) ? path.resolve(env.FIXBENCH_CHROMIUM) : null;
  return CHROMIUM_CANDIDATES.find(isExecutable) ?? null;
}

/** The problem when this host cannot give `browser: chromium` (for lint and validate), or null. */
export function chromiumProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  if (findChromium(env)) return null;
  if (env.FIXBENCH_CHROMIUM) return `FIXBENCH_CHROMIUM=${env.FIXBENCH_CHROMIUM} is not an executable file; point it at Chromium's program`;
  return `this host has no Chromium (looked for ${CHROMIUM_CANDIDATES.join(', ')}); install it (apt-get install chromium) or set FIXBENCH_CHROMIUM to its program`;
}

const versions = new Map<string, Promise<string>>();

/** `<program> --version`'s first line that names a version (`Chromium 156.0.8078.114 …`), once per program in this process. */
export function chromiumVersion(bin: string): Promise<string> {
  let v = versions.get(bin);
  if (!v) {
    v = execa(bin, ['--version'], { reject: false, timeout: 30_000, stdin: 'ignore' }).then((r) => {
      const line = String(r.stdout ?? '').split('\n').find((l) => /\d+\.\d+/.test(l));
      if (r.exitCode !== 0 || !line) throw new InfraError(`${bin} --version failed (exit ${r.exitCode}): ${String(r.stderr ?? '').slice(-500)}; check the Chromium install`);
      return line.trim();
    });
    versions.set(bin, v);
  }
  return v;
}

/** The launcher script's text: runs `bin` with `flags`, then the caller's arguments. */
export function launcherText(bin: string, flags: readonly string[]): string {
  return `#!/bin/sh\n# fixbench: the task's browser (task.yaml browser: chromium) with its flags.\nexec ${[bin, ...flags].map(shellQuote).join(' ')} "$@"\n`;
}

/** What a task's commands need for its browser, and the text that goes into the environment cache key. */
export interface BrowserRuntime {
  env: Record<string, string>;
  readOnly: string[];
  /** `chromium <version> <flags>`: a new Chromium or other flags make a new environment. */
  cacheKey: string;
}

/**
 * The browser of `task`, or null when it names none: the launcher script written (atomically,
 * once per program and flag set) under `<cacheDir>/browser/<hash>/chromium`, and the exec options
 * that give it to a command. @throws InfraError when the host has no Chromium or it does not run.
 */
export async function taskBrowser(task: { browser?: TaskBrowser | undefined }, cacheDir: string = defaultCacheDir()): Promise<BrowserRuntime | null> {
  if (!task.browser) return null;
  const bin = findChromium();
  if (!bin) throw new InfraError(`browser: chromium: ${chromiumProblem()}`);
  const flags = browserFlags(task.browser);
  const version = await chromiumVersion(bin);
  const text = launcherText(bin, flags);
  const dir = path.join(cacheDir, 'browser', createHash('sha256').update(text).digest('hex').slice(0, 16));
  const launcher = path.join(dir, 'chromium');
  // Written executable before it is renamed into place: a concurrent run never sees it half-made.
  if (!existsSync(launcher) || readFileSync(launcher, 'utf8') !== text) await writeFileAtomic(launcher, text, { mkdirs: true, mode: 0o755 });
  return {
    env: { CHROME_BIN: launcher, CHROMIUM_BIN: launcher, PUPPETEER_EXECUTABLE_PATH: launcher, PUPPETEER_SKIP_DOWNLOAD: 'true', PUPPETEER_SKIP_CHROMIUM_DOWNLOAD: 'true' },
    readOnly: [dir],
    cacheKey: `${version} ${flags.join(' ')}`,
  };
}
