// Files a JS/TS test runner loads around every test file: vitest's and jest's `setupFiles` /
// `setupFilesAfterEach`, mocha's `--require` and `file` (in `.mocharc.*` or on the command line). A
// hook there reading the running test's name (`beforeEach(({ task }) => …task.name…)`,
// `expect.getState().currentTestName`) runs around every test, so a canary copy, under a new
// title, may run otherwise than its original and an honest patch read `tampered`: then no host is
// copied (the synthetic pair), as a host reading the name itself gets none (canary-own-name.ts).
// Config files are protected (protected-rule.ts: runner configurations); a setup file is read as
// base_commit has it where the patch changed it (integrity.ts listedReads), so a patch cannot plant a
// read there to weaken the canaries. Reads text only: nothing is run.
import { parse } from '@babel/parser';
import { candidatesOf } from './canary-own-name-imports.ts';
import { hookReadsOwnName, NAME_GLOBAL } from './canary-own-name.ts';
import { pluginsOf } from './canary-parse.ts';

/** The config files at the repository's root that may name setup files. */
const CONFIGS = [
  'package.json', '.mocharc.js', '.mocharc.cjs', '.mocharc.mjs', '.mocharc.json', '.mocharc.jsonc', '.mocharc.yml', '.mocharc.yaml',
  ...['vitest', 'vite', 'jest'].flatMap((n) => ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs', 'json'].map((e) => `${n}.config.${e}`)),
  'vitest.workspace.ts', 'vitest.workspace.js', 'vitest.workspace.json',
];
/** A setup key and what follows it in a config file's text (JS/TS, JSON or YAML): `setupFiles: [...]`, `"require": "x"`, `require:` then YAML items. */
const KEY = /["']?\b(?:setupFiles(?:AfterEach|AfterEnv)?|require|file|globalSetup)\b["']?[ \t]*[:=][ \t]*((?:\n[ \t]*-[ \t]+[^\n]+)+|\n?[ \t]*\[[^\]]*\]|\n?[ \t]*['"`][^'"`\n]*['"`]|[^\s,}#]+)/g;
const FLAG = /^(?:--require|-r|--file|--setupFiles|--setup-files|--import)$/;
const JS_FILE = /\.[cm]?[jt]sx?$/;

/** Repository-relative files `spec` (from a config at the root, `<rootDir>/` allowed) may be; none for a package's name. */
function filesOf(spec: string): string[] {
  const s = spec.trim().replace(/^['"`]|['"`]$/g, '').replace(/^<rootDir>\//, './');
  if (!/^\.{0,2}\//.test(s) && !JS_FILE.test(s)) return [];
  return candidatesOf('package.json', s.startsWith('.') ? s : `./${s}`).filter((f) => JS_FILE.test(f));
}

/** The specs a setup key's value holds: its quoted strings, or its YAML items, or the bare word. */
function specsOf(value: string): string[] {
  const quoted = [...value.matchAll(/['"`]([^'"`\n]+)['"`]/g)].map((m) => m[1]!);
  if (quoted.length) return quoted;
  const items = [...value.matchAll(/^\s*-\s+(\S+)/gm)].map((m) => m[1]!);
  return items.length ? items : [value];
}

/**
 * The JS/TS files the test runner may load around every test: the values of the setup keys
 * (`setupFiles`, `setupFilesAfterEach`/`AfterEnv`, `globalSetup`, mocha's `require` and `file`) in the
 * root's config files — in package.json only under its `jest` and `mocha` keys — that look like a
 * path (relative, `<rootDir>/`, or with a JS/TS extension), and the values of `--require`/`-r`/
 * `--file`/`--setupFiles`/`--import` in `testCmd`; each with every file it may stand for. More files
 * than the runner loads is harmless: one that reads no name changes nothing.
 */
export async function setupFilesOf(testCmd: string, read: (file: string) => Promise<string | null>): Promise<string[]> {
  const out = new Set<string>();
  for (const c of CONFIGS) {
    let text = await read(c).catch(() => null);
    if (text === null) continue;
    if (c === 'package.json') {
      try {
        const pkg = JSON.parse(text) as { jest?: unknown; mocha?: unknown };
        text = JSON.stringify({ jest: pkg.jest ?? null, mocha: pkg.mocha ?? null });
      } catch {
        continue;
      }
    }
    for (const m of text.matchAll(KEY)) for (const spec of specsOf(m[1]!)) for (const f of filesOf(spec)) out.add(f);
  }
  const words = testCmd.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const [flag, value] = words[i]!.includes('=') ? words[i]!.split('=', 2) : [words[i]!, words[i + 1]];
    if (FLAG.test(flag!) && value) for (const f of filesOf(value)) out.add(f);
  }
  return [...out];
}

/** Whether JS/TS `text` (file `file`) reads the running test's name around the tests: `expect.getState()` and kin, or a hook handing its context on (canary-own-name.ts); text babel cannot parse counts (fail closed). */
export function setupReadsTestNames(file: string, text: string): boolean {
  if (NAME_GLOBAL.test(text)) return true;
  try {
    const ast = parse(text, { sourceType: 'unambiguous', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowImportExportEverywhere: true, plugins: pluginsOf(file) });
    return hookReadsOwnName(ast as never, text);
  } catch {
    return true;
  }
}

/** Whether a file the runner loads around every test (setupFilesOf; read through `read`, absent files skipped) reads the running test's name. */
export async function setupNamesTests(testCmd: string, read: (file: string) => Promise<string | null>): Promise<boolean> {
  for (const f of await setupFilesOf(testCmd, read)) {
    const text = await read(f).catch(() => null);
    if (text !== null && setupReadsTestNames(f, text)) return true;
  }
  return false;
}
