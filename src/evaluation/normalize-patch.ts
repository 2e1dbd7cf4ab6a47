// Normalisation of a model patch before it is applied (DESIGN.md §4, §6 step 1): only the lines
// of a unified diff are kept, byte for byte; prose, markdown fences and binary changes go.
import { diffFiles } from './diff-files.ts';

export interface NormalizedPatch {
  /** The diff to apply: '' when the text held no text change; else ends in exactly one `\n`. */
  patch: string;
  /** File entries dropped because they change a binary file (`GIT binary patch`, `Binary files … differ`). */
  binaryHunksDropped: number;
  /** What was changed, one sentence each, for the apply log; empty when the text was a clean diff. */
  notes: string[];
}

const HUNK_RE = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/** git's extended header lines (`git diff` documentation, "generating patches"), plus `index`. */
const EXTENDED_HEADER_RE =
  /^(?:old mode |new mode |deleted file mode |new file mode |copy from |copy to |rename from |rename to |similarity index |dissimilarity index |index )/;

type State = 'outside' | 'header' | 'hunk' | 'after-hunk' | 'binary';

interface Section {
  lines: string[];
  /** Indexes (0-based) in the input of the section's first and last kept line. */
  start: number;
  end: number;
  binary: 'GIT binary patch' | 'Binary files … differ' | null;
}

/**
 * Normalises the text a model (or an agent's `git diff`) gave as its patch. It reads the text as
 * a sequence of unified-diff file entries (git's or plain `---`/`+++`) and keeps exactly their
 * lines, unchanged:
 *
 * - A file entry starts at a `diff --git ` line, or at a `--- ` line directly followed by a
 *   `+++ ` line. Everything before the first one (prose, a ```` ```diff ```` fence line, email
 *   headers) is removed.
 * - Inside an entry, its header lines (`diff --git`, git's extended headers, `---`, `+++`) and
 *   hunks are kept. A hunk is its `@@ -a,b +c,d @@` line and the lines its counts cover (` `, `-`,
 *   `+` and empty lines — an empty line is an empty context line whose space an editor ate), plus
 *   `\ No newline at end of file` markers, which are kept wherever they follow a hunk line.
 * - After a hunk's counts are used up, more lines starting with ` `, `-` or `+` are kept as
 *   written (the model miscounted; the appliers decide, and a note says so); blank lines are kept
 *   only when such a line follows them. Any other line (a closing fence, prose, a format-patch
 *   `-- ` signature) ends the entry, and every line up to the next entry start is removed.
 * - An entry holding `GIT binary patch` or `Binary files … differ` is dropped whole and counted in
 *   `binaryHunksDropped`: binary changes cannot be graded from a text patch.
 * - An entry repeated byte for byte (a model that pasted its diff twice) is kept once.
 * - Line endings are never converted: a CRLF line stays CRLF (header lines are recognised with a
 *   trailing `\r` too). A non-empty result ends in exactly one newline: a missing one is added,
 *   trailing blank lines after the last hunk are removed.
 *
 * Pure; never throws. A text with no file entry gives `patch: ''`.
 */
export function normalizePatch(text: string): NormalizedPatch {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const bare = (i: number): string => {
    const l = lines[i] ?? '';
    const noNl = l.endsWith('\n') ? l.slice(0, -1) : l;
    return noNl.endsWith('\r') ? noNl.slice(0, -1) : noNl;
  };
  const isEntryStart = (i: number): boolean => {
    const b = bare(i);
    return b.startsWith('diff --git ') || (b.startsWith('--- ') && i + 1 < lines.length && bare(i + 1).startsWith('+++ '));
  };

  const kept: Section[] = [];
  const seen = new Set<string>();
  const dropped: number[] = [];
  const notes: string[] = [];
  let binaryHunksDropped = 0;
  let section: Section | null = null;
  let state = 'outside' as State;
  let oldLeft = 0;
  let newLeft = 0;
  let blanks: number[] = [];
  let overflow = null as { hunkLine: number; count: number } | null;
  let hunkLine = 0;

  const finish = (): void => {
    dropped.push(...blanks);
    blanks = [];
    if (overflow) {
      notes.push(`${overflow.count} line(s) after the hunk at line ${overflow.hunkLine + 1} go beyond the counts of its @@ header; kept as written`);
      overflow = null;
    }
    const s = section;
    section = null;
    state = 'outside';
    if (!s) return;
    const path = entryPath(s.lines.join(''));
    if (s.binary) {
      binaryHunksDropped++;
      notes.push(`dropped the binary change to ${path} (${s.binary})`);
      return;
    }
    const body = s.lines.join('');
    if (seen.has(body)) {
      notes.push(`removed a repeated copy of the change to ${path} (line ${s.start + 1})`);
      return;
    }
    seen.add(body);
    kept.push(s);
  };
  const push = (i: number): void => {
    section!.lines.push(lines[i]!);
    section!.end = i;
  };
  const startHunk = (i: number): void => {
    const m = HUNK_RE.exec(bare(i))!;
    oldLeft = m[1] === undefined ? 1 : Number(m[1]);
    newLeft = m[2] === undefined ? 1 : Number(m[2]);
    hunkLine = i;
    push(i);
    state = oldLeft > 0 || newLeft > 0 ? 'hunk' : 'after-hunk';
  };

  for (let i = 0; i < lines.length; ) {
    const b = bare(i);
    switch (state) {
      case 'outside':
        if (isEntryStart(i)) {
          section = { lines: [lines[i]!], start: i, end: i, binary: null };
          state = 'header';
        } else dropped.push(i);
        i++;
        break;
      case 'header':
        if (b.startsWith('diff --git ')) {
          finish();
          break;
        }
        if (b.startsWith('--- ') || b.startsWith('+++ ') || EXTENDED_HEADER_RE.test(b)) push(i);
        else if (b === 'GIT binary patch') {
          section!.binary = 'GIT binary patch';
          state = 'binary';
        } else if (b.startsWith('Binary files ') && b.endsWith(' differ')) {
          section!.binary = 'Binary files … differ';
          state = 'binary';
        } else if (HUNK_RE.test(b)) startHunk(i);
        else {
          finish();
          dropped.push(i);
        }
        i++;
        break;
      case 'binary':
        if (isEntryStart(i)) {
          finish();
          break;
        }
        i++;
        break;
      case 'hunk': {
        const c = b[0];
        if (b === '' || c === ' ') {
          oldLeft--;
          newLeft--;
        } else if (c === '-') oldLeft--;
        else if (c === '+') newLeft--;
        else if (c !== '\\') {
          state = 'after-hunk'; // the hunk ended early (malformed): read this line afresh
          break;
        }
        push(i);
        if (oldLeft <= 0 && newLeft <= 0) state = 'after-hunk';
        i++;
        break;
      }
      case 'after-hunk': {
        const c = b[0];
        if (c === '\\' && blanks.length === 0) {
          push(i);
          i++;
        } else if (isEntryStart(i)) {
          finish();
        } else if (HUNK_RE.test(b)) {
          dropped.push(...blanks);
          blanks = [];
          startHunk(i);
          i++;
        } else if (b === '') {
          blanks.push(i);
          i++;
        } else if ((c === ' ' || c === '-' || c === '+') && b !== '-- ') {
          for (const j of blanks) push(j);
          overflow = { hunkLine: overflow?.hunkLine ?? hunkLine, count: (overflow?.count ?? 0) + blanks.length + 1 };
          blanks = [];
          push(i);
          i++;
        } else {
          finish();
          dropped.push(i);
          i++;
        }
        break;
      }
    }
  }
  finish();

  let patch = kept.map((s) => s.lines.join('')).join('');
  if (patch !== '' && !patch.endsWith('\n')) {
    patch += '\n';
    notes.push('added the missing final newline');
  }
  notes.unshift(...droppedNotes(dropped, kept, lines.length));
  return { patch, binaryHunksDropped, notes };
}

/** Notes for the removed lines: before the first kept entry, after the last one, in between. */
function droppedNotes(dropped: number[], kept: Section[], total: number): string[] {
  if (dropped.length === 0) return [];
  if (kept.length === 0) return [`no unified diff found in the text (${total} line(s))`];
  const first = kept[0]!.start;
  const last = kept[kept.length - 1]!.end;
  const before = dropped.filter((i) => i < first).length;
  const after = dropped.filter((i) => i > last).length;
  const between = dropped.length - before - after;
  const out: string[] = [];
  if (before) out.push(`removed ${before} line(s) before the diff (prose or a markdown fence)`);
  if (between) out.push(`removed ${between} line(s) between file entries that are not part of a diff`);
  if (after) out.push(`removed ${after} line(s) after the diff (prose, a markdown fence or blank lines)`);
  return out;
}

/** The path an entry changes (the new path; the old one for a deletion), for notes. */
function entryPath(entry: string): string {
  const f = diffFiles(entry)[0];
  return f?.newPath ?? f?.oldPath ?? '(unnamed file)';
}
