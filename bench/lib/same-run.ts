// Whether two runs of the same tasks wrote the same records, logs and report apart from times:
// the compiled CLI against the uncompiled one (bench/compiled.ts, test/e2e/compiled-cli.test.ts).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `text` with what legitimately differs between two runs of the same work replaced by
 * placeholders: ISO times, millisecond fields and durations the harness measures (and their
 * `data-v` sort keys in the report), the durations test runners print (`time="0.012"`,
 * `duration_ms 3.1`), the paths of temporary folders, the `+dirty` mark of the harness commit
 * (a file of the package checkout edited between the two runs), and a record's canary `guess`
 * odds, `weak` files and `echoed` values: they follow which canary copies were drawn (random on purpose: a copy whose
 * new title word is not attested in the same slot, or whose mutant the rest of its test or the
 * repository tells, counts at odds 1), as the mutated test names do.
 */
export function withoutTimes(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/("[a-z_]*_ms"\s*:\s*)\d+(\.\d+)?/g, '$1<ms>')
    .replace(/\b\d+(\.\d+)? ?(ms|s|min|h)\b/g, '<duration>')
    .replace(/\btime="[\d.]+"/g, 'time="<t>"')
    .replace(/\bduration_ms:? [\d.]+/g, 'duration_ms <t>')
    .replace(/"duration"\s*:\s*[\d.]+/g, '"duration":<t>')
    .replace(/data-v="[\d.]+"><duration>/g, 'data-v="<t>"><duration>')
    // the package checkout's `+dirty` mark: a file of the checkout edited between the two runs
    .replace(/\b([0-9a-f]{40})\+dirty\b/g, '$1')
    // the compiled CLI's build hash (run.json harness.build): only the compiled side has one
    .replace(/,\s*"build"\s*:\s*"[0-9a-f]{64}"/g, '')
    // attempts/pages.json: each page's digest and size follow its view, which holds its times
    .replace(/"digest"\s*:\s*"[A-Za-z0-9_-]{43}"(,\s*"bytes"\s*:\s*\d+)?/g, '"digest":"<d>"')
    .replace(/\/tmp\/fixbench-[^\s"'<>)]*/g, '<tmp>')
    .replace(/"guess"\s*:\s*[\d.e-]+/g, '"guess":<odds>')
    .replace(/,\s*"weak"\s*:\s*\[[^\]]*\]/g, '')
    .replace(/,\s*"echoed"\s*:\s*\[(?:\s*\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}\s*,?)*\s*\]/g, '');
}

/**
 * The tests' own output (`logs/…/test_output.txt`) is not fixbench's to compare: it holds the
 * canary runs, whose mutated test names are random on purpose, and runners that run files in
 * parallel (node --test) print suites in the order they finish. Its outcome is in the records.
 * The report's `attempts/pages.json` is a cache manifest of the incremental attempt pages: its
 * digests stamp the trajectory files (inode, mtimes) and the running build's code, so two builds
 * differ there by design; the pages it describes are compared.
 */
export const notCompared = (file: string): boolean => path.basename(file) === 'test_output.txt' || file === path.join('attempts', 'pages.json');

/** Every file under `dir`, as paths relative to it, sorted. */
export async function files(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await files(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

/**
 * A line of the sidecar index (src/store/attempt-index.ts) without its place in attempts.jsonl
 * (line number, byte offset, length) and its hash chain member: they follow the finishing order, as
 * attempts.jsonl's line order does. Only its first 13 members are kept (identity, outcome, spend).
 * Any other line is returned unchanged.
 */
function withoutLinePlace(line: string): string {
  if (!line.startsWith('[')) return line;
  try {
    const a = JSON.parse(line) as unknown;
    return Array.isArray(a) ? JSON.stringify(a.slice(0, 13)) : line;
  } catch {
    return line;
  }
}

/**
 * Compares two folders file by file after `withoutTimes` (every file present on both sides; the
 * content of all but `notCompared` ones; the lines of `.jsonl` files in sorted order, the sidecar index's without their place in attempts.jsonl).
 * @returns one line per difference (a file only on one side, or the first differing line of a file); empty when the same.
 */
export async function sameApartFromTimes(a: string, b: string): Promise<string[]> {
  const [fa, fb] = [await files(a), await files(b)];
  const problems: string[] = [];
  for (const f of fa.filter((x) => !fb.includes(x))) problems.push(`${f}: only in ${a}`);
  for (const f of fb.filter((x) => !fa.includes(x))) problems.push(`${f}: only in ${b}`);
  for (const f of fa.filter((x) => fb.includes(x))) {
    if (notCompared(f)) continue;
    // Records are appended as attempts finish: with attempts running at once, in finishing order.
    const read = async (dir: string) => {
      const t = withoutTimes(await readFile(path.join(dir, f), 'utf8'));
      if (!f.endsWith('.jsonl')) return t;
      const lines = t.split('\n');
      return (path.basename(f) === 'attempts.index.jsonl' ? lines.map(withoutLinePlace) : lines).sort().join('\n');
    };
    const [ta, tb] = [await read(a), await read(b)];
    if (ta === tb) continue;
    const [la, lb] = [ta.split('\n'), tb.split('\n')];
    const i = la.findIndex((l, k) => l !== lb[k]);
    problems.push(`${f}: line ${i + 1} differs: ${JSON.stringify((la[i] ?? '').slice(0, 160))} vs ${JSON.stringify((lb[i] ?? '').slice(0, 160))}`);
  }
  return problems;
}
