// A writable copy of the bundled js-duration-1 (its folder and repository bundle under `tmp/tasks`)
// and a clone of the repository at the task's base commit (`tmp/work`), for e2e tests that rewrite
// its test.patch and grade predictions against the copy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AttemptRecord } from '../../src/store/records.ts';
import { ROOT, runCli } from './cli.ts';
import { testGitEnv } from './git-repo.ts';

export const DURATION_TASK = 'js-duration-1';
export const DURATION_BASE = '4d7787763496ed084936a0200931d5d09330efde';

/** The copy made in `tmp`: its tasks folder, the clone, `git` in the clone, and `diff` (the clone's changes from the base as a patch, then reset to the base). */
export interface DurationCopy {
  tasks: string;
  work: string;
  git: (...args: string[]) => string;
  diff: () => string;
}

/** Copies js-duration-1 and its bundle into `tmp/tasks` and clones it at its base commit into `tmp/work`. */
export function copyDurationTask(tmp: string): DurationCopy {
  const tasks = path.join(tmp, 'tasks');
  mkdirSync(path.join(tasks, 'repos'), { recursive: true });
  cpSync(path.join(ROOT, 'tasks', DURATION_TASK), path.join(tasks, DURATION_TASK), { recursive: true });
  cpSync(path.join(ROOT, 'tasks', 'repos', 'js-duration.bundle'), path.join(tasks, 'repos', 'js-duration.bundle'));
  const work = path.join(tmp, 'work');
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: work, env: testGitEnv(), encoding: 'utf8' });
  execFileSync('git', ['clone', '--quiet', path.join(tasks, 'repos', 'js-duration.bundle'), work], { env: testGitEnv() });
  git('checkout', '--quiet', '--detach', DURATION_BASE);
  const diff = (): string => {
    git('add', '--all');
    const patch = git('diff', '--cached', '--no-color', DURATION_BASE);
    git('reset', '--quiet', '--hard', DURATION_BASE);
    return patch;
  };
  return { tasks, work, git, diff };
}

/**
 * Commits the clone's changes of `copy` as the task's new base_commit: the copy's bundle and
 * task.yaml follow it. Returns the new commit and a `diff` against it (as DurationCopy's).
 */
export function commitNewBase(copy: DurationCopy, message: string): { base: string; diff: () => string } {
  const { tasks, git } = copy;
  git('add', '--all');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', message);
  const base = git('rev-parse', 'HEAD').trim();
  git('bundle', 'create', '--quiet', path.join(tasks, 'repos', 'js-duration.bundle'), 'HEAD', '--all');
  const yaml = path.join(tasks, DURATION_TASK, 'task.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(`base_commit: ${DURATION_BASE}`, `base_commit: ${base}`));
  const diff = (): string => {
    git('add', '--all');
    const patch = git('diff', '--cached', '--no-color', base);
    git('reset', '--quiet', '--hard', base);
    return patch;
  };
  return { base, diff };
}

/**
 * JS source of a hostile patch's tail that rewrites node 20's v8-serialized test event stream in a
 * `node --test` child: `prelude` runs first (it may `return` to leave the child alone, and declare
 * what `onItem` uses), then `onItem` runs on each deserialized event `item` (`{ type, data }`)
 * before it is framed again and written.
 */
export function v8StreamRewriter(prelude: string, onItem: string): string {
  return String.raw`
(() => {
  const v8 = require('node:v8');
  ${prelude}
  const write = process.stdout.write.bind(process.stdout);
  let pending = Buffer.alloc(0);
  const frame = (item) => {
    const s = new v8.DefaultSerializer();
    s.writeHeader(); s.writeRawBytes(Buffer.alloc(4)); s.writeHeader(); s.writeValue(item);
    const b = s.releaseBuffer();
    b.writeUInt32BE(b.length - 6, 2);
    return b;
  };
  process.stdout.write = (chunk, ...rest) => {
    pending = Buffer.concat([pending, Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))]);
    const out = [];
    while (pending.length) {
      if (pending[0] !== 0xff || pending[1] !== 0x0f) {
        const next = pending.indexOf(0xff, 1);
        const end = next === -1 ? pending.length : next;
        out.push(pending.subarray(0, end)); pending = pending.subarray(end); continue;
      }
      if (pending.length < 6 || pending.length < 6 + pending.readUInt32BE(2)) break;
      const len = pending.readUInt32BE(2);
      const d = new v8.DefaultDeserializer(pending.subarray(6, 6 + len)); d.readHeader();
      const item = d.readValue();
      pending = pending.subarray(6 + len);
      ${onItem}
      out.push(frame(item));
    }
    return out.length ? write(Buffer.concat(out), ...rest) : true;
  };
})();
`;
}

/** Writes `preds` (contender name, patch) for the task copy in `tmp` as predictions, grades them with `fixbench eval --predictions --sandbox local` under run `runId`; the attempt records. */
export async function gradePredictions(tmp: string, preds: string[][], runId: string): Promise<AttemptRecord[]> {
  await writeFile(path.join(tmp, 'preds.jsonl'), preds.map(([m, p]) => JSON.stringify({ instance_id: DURATION_TASK, model_name_or_path: m, model_patch: p })).join('\n') + '\n');
  const results = path.join(tmp, 'results');
  const r = await runCli(['eval', '--predictions', path.join(tmp, 'preds.jsonl'), '--tasks', path.join(tmp, 'tasks'), '--results', results, '--reports', path.join(tmp, 'reports'), '--run-id', runId, '--sandbox', 'local'], { timeoutMs: 240_000 });
  if (r.exitCode !== 0) throw new Error(`eval exited ${r.exitCode}: ${r.stderr}`);
  return (await readFile(path.join(results, runId, 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
}

/**
 * js-duration's test/units.test.js: it holds listed tests, so it is a canary host (atkC18 #7), one
 * test.patch does not touch: one must-fail copy and no hook canary (canary.ts), so no `unhooked` note.
 */
export const UNITS_FILE = 'test/units.test.js';

/** The files `rec`'s canaries name as unhooked, test/units.test.js (UNITS_FILE) left out, sorted. */
export function unhookedBeyondUnits(rec: AttemptRecord): string[] {
  return (rec.canaries?.unhooked ?? []).map((u) => u.file).filter((f) => f !== UNITS_FILE).sort();
}
