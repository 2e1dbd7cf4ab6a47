// What test.patch adds to and removes from each file, by line (unified diff): the lines a canary
// plan counts as the hidden tests' own (canary-mutate.ts, canary-python.ts), and the text a patch
// could read before test.patch (canary.ts).

/** Line numbers (1-based, in the new file) that a unified diff adds, per file it leaves in the tree. */
export function addedLines(patch: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let cur: Set<number> | null = null;
  let line = 0;
  for (const l of patch.split('\n')) {
    if (l.startsWith('+++ ')) {
      const f = l.slice(4).trim();
      cur = f === '/dev/null' ? null : new Set();
      if (cur) out.set(f.replace(/^b\//, ''), cur);
      continue;
    }
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (h) { line = Number(h[1]); continue; }
    if (!cur || l.startsWith('--- ') || l.startsWith('diff ')) continue;
    if (l.startsWith('+')) cur.add(line++);
    else if (l.startsWith(' ')) line++;
  }
  return out;
}

/**
 * The lines a unified diff removes, per file it leaves in the tree (keyed by its new name, as
 * `addedLines`), joined by newlines: with a file's lines that the diff does not add, that is all of
 * its text before the diff.
 */
export function removedText(patch: string): Map<string, string> {
  const out = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const l of patch.split('\n')) {
    if (l.startsWith('diff ')) { cur = null; continue; }
    if (l.startsWith('--- ')) continue;
    if (l.startsWith('+++ ')) {
      const f = l.slice(4).trim();
      cur = f === '/dev/null' ? null : [];
      if (cur) out.set(f.replace(/^b\//, ''), cur);
      continue;
    }
    if (cur && l.startsWith('-')) cur.push(l.slice(1));
  }
  return new Map([...out].map(([f, ls]) => [f, ls.join('\n')]));
}

