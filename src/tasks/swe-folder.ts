// SWE-bench task repositories (the per-instance folders SWE-bench Multimodal publishes:
// `tasks/<instance_id>/{task.yaml, tests.json, gold.patch, test.patch, problem_statement.md,
// hints.md?, eval.sh, Dockerfile, problem_assets/, test_assets/}`) ↔ SWE-bench instances.
// Reading gives the instance (task.yaml's fields, the texts, the two lists) plus what the
// published files say about running it (the test command of eval.sh, the Node version of the
// Dockerfile). Writing gives the layout back; the files fixbench does not use travel verbatim.
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, stringify } from 'yaml';
import type { TaskSpec } from '../config/task.ts';
import { copyRegular, irregularEntries, readRegularFile } from './regular-files.ts';

/** Instance columns the published layout keeps as files of their own. */
const AS_FILE = { patch: 'gold.patch', test_patch: 'test.patch', problem_statement: 'problem_statement.md' } as const;
/** Published files read into the instance (every other entry of the folder is kept verbatim). */
const READ = new Set(['task.yaml', 'tests.json', 'hints.md', ...Object.values(AS_FILE)]);
/**
 * In a fixbench task folder: the published files fixbench does not use (eval.sh, Dockerfile,
 * test_assets/, …) and the published task.yaml and tests.json as they were, verbatim.
 */
export const KEPT_DIR = 'swe_bench';
/** In a fixbench task folder: the assets (screenshots), as published. */
export const ASSETS_DIR = 'problem_assets';

/** One published instance folder, read. */
export interface PublishedInstance {
  /** The folder. */
  dir: string;
  /** task.yaml's fields, the texts and the lists, as one SWE-bench instance (not yet validated). */
  instance: Record<string, unknown>;
  /** The command between eval.sh's `>>>>> Start Test Output` and `>>>>> End Test Output` markers, or null. */
  testCmd: string | null;
  /** The exact Node.js version the Dockerfile installs (`ENV NODE_VERSION x.y.z`), or null. */
  node: string | null;
  /** The test command drives a browser (karma, xvfb-run, puppeteer, Chrome): the task gets `browser: chromium`. */
  browser: boolean;
}

/** A test command that needs a browser: karma, a virtual display, puppeteer or Chrome by name. */
export const BROWSER_CMD_RE = /\b(?:karma|xvfb-run|puppeteer|google-chrome|chromium|CHROME_BIN)\b/;

/** Whether `dir` is one published instance folder (holds task.yaml and tests.json, not followed through links). */
export async function isPublishedInstance(dir: string): Promise<boolean> {
  const has = async (f: string) => (await lstat(path.join(dir, f)).catch(() => null)) !== null;
  return (await has('task.yaml')) && (await has('tests.json'));
}

/**
 * Reads `root`: one published instance folder, or a folder of them (a task repository's `tasks/`).
 * @returns the instances in folder order and every problem (`<file>: <what>; <fix>`) at once.
 */
export async function readPublishedFolders(root: string): Promise<{ found: PublishedInstance[]; problems: string[] }> {
  const problems: string[] = [];
  let dirs: string[];
  if (await isPublishedInstance(root)) dirs = [root];
  else {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => null);
    if (!entries) return { found: [], problems: [`${root}: cannot read the folder; pass a SWE-bench task folder or a folder of them`] };
    dirs = [];
    for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      const d = path.join(root, e.name);
      if (await isPublishedInstance(d)) dirs.push(d);
    }
    if (!dirs.length) problems.push(`${root}: no SWE-bench task folders (a folder holding task.yaml and tests.json, as in SWE-bench Multimodal's tasks/)`);
  }
  const found: PublishedInstance[] = [];
  for (const dir of dirs) {
    const r = await readOne(dir, problems);
    if (r) found.push(r);
  }
  return { found, problems };
}

/**
 * Reads one instance folder. Every file is read as a regular file, never through a symbolic link;
 * a link or other non-regular entry anywhere in the folder (problem_assets/ too) is a problem
 * naming it (`irregularEntries`), and the folder is not imported.
 */
async function readOne(dir: string, problems: string[]): Promise<PublishedInstance | null> {
  const irregular = await irregularEntries(dir);
  problems.push(...irregular);
  const text = async (f: string, optional = false): Promise<string | null> => {
    const r = await readRegularFile(path.join(dir, f));
    if (r === null && !optional) problems.push(`${path.join(dir, f)}: missing; the published layout has ${f} in every instance folder`);
    return r && 'text' in r ? r.text : null;
  };
  const yamlText = await text('task.yaml');
  const testsText = await text('tests.json');
  const texts = Object.fromEntries(await Promise.all(Object.entries(AS_FILE).map(async ([k, f]) => [k, await text(f)] as const)));
  const hints = await text('hints.md', true);
  let fields: unknown = null;
  let lists: unknown = null;
  try {
    fields = yamlText === null ? null : parse(yamlText);
  } catch (e) {
    problems.push(`${path.join(dir, 'task.yaml')}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  try {
    lists = testsText === null ? null : JSON.parse(testsText);
  } catch (e) {
    problems.push(`${path.join(dir, 'tests.json')}: not valid JSON (${(e as Error).message}); it holds {"FAIL_TO_PASS": [...], "PASS_TO_PASS": [...]}`);
  }
  if (fields !== null && (typeof fields !== 'object' || Array.isArray(fields))) problems.push(`${path.join(dir, 'task.yaml')}: not a mapping of fields`);
  if (lists !== null && (typeof lists !== 'object' || Array.isArray(lists))) problems.push(`${path.join(dir, 'tests.json')}: not an object with FAIL_TO_PASS and PASS_TO_PASS`);
  if (irregular.length || !isObject(fields) || !isObject(lists) || Object.values(texts).some((t) => t === null)) return null;
  const evalSh = await text('eval.sh', true);
  const dockerfile = await text('Dockerfile', true);
  const testCmd = evalSh === null ? null : testCommandOf(evalSh);
  return {
    dir,
    instance: { ...fields, ...texts, hints_text: hints ?? '', ...lists },
    testCmd,
    browser: testCmd !== null && BROWSER_CMD_RE.test(testCmd),
    node: dockerfile === null ? null : (/^ENV\s+NODE_VERSION[\s=]+(\d+\.\d+\.\d+)\s*$/m.exec(dockerfile)?.[1] ?? null),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The lines of an eval.sh between SWE-bench's test-output markers, joined by newlines; null when there are none. */
export function testCommandOf(evalSh: string): string | null {
  const lines = evalSh.split('\n');
  const start = lines.findIndex((l) => /^: '>>>>> Start Test Output'\s*$/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^: '>>>>> End Test Output'\s*$/.test(l));
  if (start < 0 || end < 0) return null;
  const cmd = lines.slice(start + 1, end).filter((l) => l.trim() !== '').join('\n');
  return cmd === '' ? null : cmd;
}

/**
 * Copies the published files fixbench does not read into `<taskDir>/swe_bench/` (problem_assets/ to
 * the task folder itself), and the published task.yaml and tests.json as they were. Regular files
 * and folders only (`copyRegular`): throws, naming it, at a symbolic link or other entry.
 */
export async function keepPublishedFiles(from: string, taskDir: string): Promise<void> {
  const kept = path.join(taskDir, KEPT_DIR);
  await mkdir(kept, { recursive: true });
  for (const e of await readdir(from)) {
    if (e === ASSETS_DIR) await copyRegular(path.join(from, e), path.join(taskDir, ASSETS_DIR));
    else if (!READ.has(e) || e === 'task.yaml' || e === 'tests.json') await copyRegular(path.join(from, e), path.join(kept, e));
  }
}

/**
 * Writes `instance` (from `taskToInstance`, lists as arrays) as a published instance folder
 * `<outDir>/<instance_id>/`. task.yaml and tests.json are written as the task repository writes
 * them (keys sorted, PyYAML's block style; JSON indented by two), unless the task kept the
 * published texts and they still say the same: then those bytes are written, so an unchanged
 * task round-trips byte for byte. The kept files and problem_assets/ are copied back.
 * @returns the folder written.
 */
export async function writePublishedFolder(outDir: string, task: TaskSpec, instance: Record<string, unknown>): Promise<string> {
  const dir = path.join(outDir, task.instance_id);
  await mkdir(dir, { recursive: true });
  const { patch, test_patch, problem_statement, hints_text, FAIL_TO_PASS, PASS_TO_PASS, ...fields } = instance;
  const kept = path.join(task.dir, KEPT_DIR);
  const keptText = (f: string) => readFile(path.join(kept, f), 'utf8').catch(() => null);
  const same = async (f: string, data: unknown, read: (t: string) => unknown): Promise<string | null> => {
    const t = await keptText(f);
    if (t === null) return null;
    try {
      return isDeepStrictEqual(read(t), data) ? t : null;
    } catch {
      return null;
    }
  };
  const tests = { FAIL_TO_PASS, PASS_TO_PASS };
  await writeFile(path.join(dir, 'task.yaml'), (await same('task.yaml', fields, parse)) ?? pyYaml(fields));
  await writeFile(path.join(dir, 'tests.json'), (await same('tests.json', tests, JSON.parse)) ?? `${JSON.stringify(tests, null, 2)}\n`);
  await writeFile(path.join(dir, AS_FILE.patch), String(patch));
  await writeFile(path.join(dir, AS_FILE.test_patch), String(test_patch));
  await writeFile(path.join(dir, AS_FILE.problem_statement), String(problem_statement));
  if (typeof hints_text === 'string' && hints_text !== '') await writeFile(path.join(dir, 'hints.md'), hints_text);
  for (const e of await readdir(kept).catch(() => [] as string[])) {
    if (e !== 'task.yaml' && e !== 'tests.json') await copyRegular(path.join(kept, e), path.join(dir, e));
  }
  if (await lstat(path.join(task.dir, ASSETS_DIR)).catch(() => null)) await copyRegular(path.join(task.dir, ASSETS_DIR), path.join(dir, ASSETS_DIR));
  return dir;
}

/** YAML as PyYAML's `safe_dump` writes it by default: keys sorted, lists not indented under their key, strings that YAML 1.1 would read as another type (a date, `yes`, `1.10`) single-quoted. */
function pyYaml(data: Record<string, unknown>): string {
  return stringify(data, { version: '1.1', sortMapEntries: true, indentSeq: false, singleQuote: true, lineWidth: 0 });
}
