// Byte-identity check of the report after a performance change: the report built by the current
// tree and by a reference commit (exported with `git archive`) must be the same bytes, file for file.
// Two inputs: the seeded synthetic run of 20 models × 500 tasks × 3 attempts (bench/report-child.ts,
// `buildReport` with the 11,000 attempt pages), and each run folder given (`fixbench report <run>
// --out …` through each tree's own CLI sources, bench/lib/fixbench-tsx.mjs: the index from projected
// records, attempt pages, published scores, task metadata). Each build runs in its own child process.
//
//   npx tsx bench/report-same.ts <ref-commit> [<results/run_id> …]
//
// Compared: every file under the two output folders, byte for byte, except `attempts/pages.json`'s
// `template` field (a digest of the running build's code: differs by design whenever code changes);
// its page digests and sizes are compared. Exit 0 when every build is identical, 1 otherwise (each
// difference printed: a file only on one side, or the first differing byte with context).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timed } from './lib/measure.ts';
import { files } from './lib/same-run.ts';

const root = path.resolve(import.meta.dirname, '..');

/** The manifest without its code digest: `template` differs whenever any code that makes pages does. */
const manifestPages = (text: string): string => JSON.stringify({ ...(JSON.parse(text) as object), template: '<code digest>' });

/**
 * Differences between two report folders: files on one side only, and for each file present on both
 * the first differing byte (with 80 characters of context). Empty when identical.
 */
export async function reportDifferences(a: string, b: string): Promise<string[]> {
  const [fa, fb] = [await files(a), await files(b)];
  const problems: string[] = [];
  for (const f of fa.filter((x) => !fb.includes(x))) problems.push(`${f}: only in ${a}`);
  for (const f of fb.filter((x) => !fa.includes(x))) problems.push(`${f}: only in ${b}`);
  for (const f of fa.filter((x) => fb.includes(x))) {
    let [x, y] = [await readFile(path.join(a, f)), await readFile(path.join(b, f))];
    if (f === path.join('attempts', 'pages.json')) [x, y] = [Buffer.from(manifestPages(x.toString('utf8'))), Buffer.from(manifestPages(y.toString('utf8')))];
    if (x.equals(y)) continue;
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    const ctx = (buf: Buffer) => JSON.stringify(buf.subarray(Math.max(0, i - 40), i + 40).toString('utf8'));
    problems.push(`${f}: differs at byte ${i} (${x.length} vs ${y.length} bytes): ${ctx(x)} vs ${ctx(y)}`);
  }
  return problems;
}

async function main(): Promise<number> {
  const [ref, ...runs] = process.argv.slice(2);
  if (!ref) {
    process.stderr.write('usage: npx tsx bench/report-same.ts <ref-commit> [<results/run_id> …]\n');
    return 2;
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'fixbench-report-same-'));
  try {
    const refRoot = path.join(scratch, 'ref');
    execFileSync('sh', ['-c', 'mkdir -p "$3" && git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', root, ref, refRoot]);
    await symlink(path.join(root, 'node_modules'), path.join(refRoot, 'node_modules'));
    const builds: Array<{ name: string; build: (tree: string, out: string) => Promise<unknown> }> = [
      { name: 'synthetic 20 × 500 × 3', build: (tree, out) => timed(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'report-child.ts'), tree, out], { cwd: root }) },
      ...runs.map((run) => ({
        name: `fixbench report ${run}`,
        build: (tree: string, out: string) => timed(process.execPath, [path.join(tree, 'bench', 'lib', 'fixbench-tsx.mjs'), 'report', path.resolve(run), '--out', out], { cwd: tree }),
      })),
    ];
    let failed = 0;
    for (const [i, b] of builds.entries()) {
      const [cur, old] = [path.join(scratch, `cur-${i}`), path.join(scratch, `ref-${i}`)];
      await b.build(root, cur);
      await b.build(refRoot, old);
      const diffs = await reportDifferences(cur, old);
      const n = (await files(cur)).length;
      process.stdout.write(`${diffs.length ? 'DIFFERENT' : 'IDENTICAL'}: ${b.name}: ${n} files, current tree against ${ref}\n`);
      for (const d of diffs.slice(0, 20)) process.stdout.write(`  ${d}\n`);
      if (diffs.length > 20) process.stdout.write(`  … and ${diffs.length - 20} more\n`);
      if (diffs.length) failed++;
      await rm(cur, { recursive: true, force: true });
      await rm(old, { recursive: true, force: true });
    }
    return failed ? 1 : 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
