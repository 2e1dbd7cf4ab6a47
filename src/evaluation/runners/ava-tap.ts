// ava (`--tap`, on stdout) and node-tap (`-R tap`, on stdout).
import { repoRelativeFile } from '../parse/names.ts';
import type { TestEntry } from './entries.ts';
import { refuse } from './plan-args.ts';
import { tapPoints } from './tap-stream.ts';
import type { RunnerAdapter } from './types.ts';

/** ava's separator between the file (as ava names it: relative, no extension) and the titles. */
const AVA_SEP = ' › ';

/**
 * ava: one flat test point per test, named `<file> › <title>` (the file as ava shortens it; a
 * single test file gives no prefix). Id `file > title`; a hook or uncaught error is a point of its
 * own and so a FAILED entry.
 */
export function avaEntries(stdout: string): TestEntry[] {
  return tapPoints(stdout).map((p) => {
    const name = p.name.replace(/\\(.)/g, '$1');
    const at = name.indexOf(AVA_SEP);
    return { parts: at < 0 ? [name] : [name.slice(0, at), name.slice(at + AVA_SEP.length)], status: p.status };
  });
}

/**
 * node-tap: each test file is a top-level subtest named by its path; tests are the subtests in
 * it (`t.test(name, …)`, parent tests included), never the assertions. Id `file > parents… >
 * name`. A file that failed with no failing test in it (it crashed) is one ERROR entry under its
 * path.
 */
export function nodeTapEntries(stdout: string, roots: readonly string[]): TestEntry[] {
  const out: TestEntry[] = [];
  for (const p of tapPoints(stdout)) {
    if (!p.closes) continue;
    if (p.path.length === 0) {
      const file = repoRelativeFile(p.name, roots);
      if (p.status === 'FAILED' && !out.some((e) => e.parts[0] === file && e.status === 'FAILED')) out.push({ parts: [file], status: 'ERROR' });
      continue;
    }
    out.push({ parts: [repoRelativeFile(p.path[0]!, roots), ...p.path.slice(1), p.name], status: p.status });
  }
  return out;
}

export const avaAdapter: RunnerAdapter = {
  name: 'ava',
  label: 'AVA',
  pkg: 'ava',
  matches: (s) => /(^|[\s/])ava(\s|$)/.test(s),
  plan: (cmd, _ctx, args) => {
    if (/(^|\s)(--tap|-t)(\s|$)/.test(cmd)) return { cmd, from: 'stdout' };
    return { cmd: args(cmd, '--tap'), from: 'stdout' };
  },
  parse: (text) => avaEntries(text),
};

export const nodeTapAdapter: RunnerAdapter = {
  name: 'node-tap',
  label: 'node-tap',
  pkg: 'tap',
  matches: (s) => /(^|[\s/])tap(\s|$)/.test(s),
  plan: (cmd, ctx, args) => {
    if (/(^|\s)(--reporter|-R)[=\s]/.test(cmd)) throw refuse(cmd, 'chooses its own --reporter; leave it out (fixbench adds -R tap)');
    if (ctx.major !== null && ctx.major < 12) throw refuse(cmd, `tap ${ctx.major} is not supported (tap 12 and later are)`);
    return { cmd: args(cmd, '-R tap'), from: 'stdout' };
  },
  parse: (text, opts) => nodeTapEntries(text, opts.roots ?? []),
};
