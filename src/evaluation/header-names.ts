// One reading of a patch entry's file names, written back canonically (DESIGN.md §11 rule 2, atkA7):
// every check and every applier (git apply, GNU patch) must read the same names, so a kept entry's
// name lines are rewritten from the one parse before anything else looks at them.
import { posix } from 'node:path';
import { splitGitHeader, unquote } from './diff-files.ts';

/** An entry with canonical name lines, or why its names cannot be read unambiguously. */
export type Canonical = { entry: string; linesDropped: number } | { path: string; reason: string };

/** Git header lines that carry no file name: kept as they are. */
const GIT_INFO_RE = /^(?:index |old mode |new mode |deleted file mode |new file mode |similarity index |dissimilarity index |Binary files )/;
const HUNK_RE = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
const NAME_RE = /^(diff --git |--- |\+\+\+ |rename from |rename to |copy from |copy to )(.*)$/s;
/** Longest component the kernel takes (NAME_MAX), and longest path (PATH_MAX 4096 less 256 bytes for the checkout's own folder). */
const NAME_MAX = 255;
const PATH_MAX = 3840;

/**
 * Reads the file names of one entry (as `splitEntries` gives it) once and rewrites its name lines
 * from that reading: `diff --git a/OLD b/NEW`, `--- a/OLD` or `--- /dev/null`, `+++ b/NEW` or
 * `+++ /dev/null`, `rename|copy from|to PATH` (a name with a blank or a control character in
 * git's C-style quotes; a `\t…` timestamp after a `---`/`+++` name kept). A canonical entry comes
 * back byte for byte. Lines neither appliers' hunk text nor a git header line (e.g. `Index:`,
 * context-diff `***` lines, `Prereq:`: GNU patch reads file names from some of them) are removed
 * and counted. Gives a reason instead (the entry is then dropped as unsafe) when a name:
 * - starts with a blank (git reads the blank as part of the name, GNU patch skips it), or is a
 *   quoted name not closed or followed by anything but a tab;
 * - has no `a/`-like prefix to strip (`-p1`), or is not a valid path: empty, `.`, a NUL, a
 *   component over 255 bytes or a path over 4095 bytes (the file system's error would be the model's);
 * - disagrees with another of the entry's names for the same side (`diff --git`, `---`/`+++`,
 *   `rename`/`copy`), or an entry without rename/copy lines names two different files;
 * - or the entry names no file at all.
 * Pure; never throws.
 */
export function canonicalEntry(entry: string): Canonical {
  const lines = entry.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const bare = lines.map((l) => l.replace(/\r?\n$/, '').replace(/\r$/, ''));
  const hunkAt = bare.findIndex((l) => l.startsWith('@@ '));
  const headEnd = hunkAt < 0 ? lines.length : hunkAt;
  const olds: string[] = [];
  const news: string[] = [];
  let created = false;
  let deleted = false;
  let moved = false;
  let gitPair: [string, string] | null = null;
  for (const b of bare.slice(0, headEnd)) {
    if (b.startsWith('new file mode')) created = true;
    if (b.startsWith('deleted file mode')) deleted = true;
    const m = NAME_RE.exec(b);
    if (!m) continue;
    const [, kw, rest] = m as unknown as [string, string, string];
    if (kw === 'diff --git ') {
      if (/^\s/.test(rest)) return bad(rest, 'a "diff --git" name starting with a blank (git apply and GNU patch read it differently)');
      gitPair = splitGitHeader(rest);
      continue;
    }
    const name = readName(rest, kw === '--- ' || kw === '+++ ');
    if ('reason' in name) return bad(rest, name.reason);
    if (kw === '--- ' || kw === '+++ ') {
      if (name.path === '/dev/null') {
        if (kw === '--- ') created = true;
        else deleted = true;
        continue;
      }
      if (!name.path.includes('/')) return bad(name.path, 'a name with no prefix folder to strip (-p1)');
    } else moved = true;
    const path = kw.startsWith('rename') || kw.startsWith('copy') ? name.path : name.path.slice(name.path.indexOf('/') + 1);
    const why = invalidPath(path);
    if (why) return bad(path, why);
    (kw === '--- ' || kw.endsWith('from ') ? olds : news).push(posix.normalize(path));
  }
  if (gitPair) {
    for (const p of gitPair) {
      const why = invalidPath(p);
      if (why) return bad(p, why);
    }
    if (!created) olds.push(posix.normalize(gitPair[0]));
    if (!deleted) news.push(posix.normalize(gitPair[1]));
    if (created || deleted) (created ? news : olds).push(posix.normalize(gitPair[created ? 0 : 1]));
  }
  const oldName = olds[0] ?? null;
  const newName = news[0] ?? null;
  if (oldName === null && newName === null) return bad('(unnamed file)', 'an entry that names no file');
  for (const [side, names] of [['old', olds], ['new', news]] as const) {
    if (names.some((n) => n !== names[0])) return bad(names.join(' / '), `its headers name different ${side} files (${names.map((n) => JSON.stringify(n)).join(', ')})`);
  }
  if (!moved && oldName !== null && newName !== null && oldName !== newName) return bad(`${oldName} / ${newName}`, 'its "---" and "+++" lines name different files without a rename');
  const out: string[] = [];
  let dropped = 0;
  let oldLeft = 0; // lines of the current hunk still to come, by its `@@` counts (as GNU patch reads them)
  let newLeft = 0;
  for (const [i, line] of lines.entries()) {
    const b = bare[i]!;
    const eol = line.slice(b.length);
    if (i >= headEnd) {
      const m = HUNK_RE.exec(b);
      if ((oldLeft > 0 || newLeft > 0) && (b === '' || ' +-\\'.includes(b[0]!))) {
        if (b === '' || b[0] === ' ') { oldLeft--; newLeft--; }
        else if (b[0] === '-') oldLeft--;
        else if (b[0] === '+') newLeft--;
      } else if (m) {
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        newLeft = m[2] === undefined ? 1 : Number(m[2]);
      } else if (/^(?:---|\+\+\+) /.test(b)) return bad(b, 'a "---"/"+++" line outside its hunks\' counted lines (GNU patch would read a file name from it)');
      if (b === '' || ' +-\\'.includes(b[0]!) || b.startsWith('@@ ')) out.push(line);
      else dropped++;
      continue;
    }
    const m = NAME_RE.exec(b);
    if (!m) {
      if (GIT_INFO_RE.test(b) || b === '') out.push(line);
      else dropped++;
      continue;
    }
    const kw = m[1]!;
    const tail = kw === '--- ' || kw === '+++ ' ? timestamp(m[2]!) : '';
    const o = oldName ?? newName!;
    const n = newName ?? oldName!;
    const text = kw === 'diff --git ' ? `${quote(`a/${o}`)} ${quote(`b/${n}`)}`
      : kw === '--- ' ? (created ? '/dev/null' : quote(`a/${o}`)) + tail
      : kw === '+++ ' ? (deleted ? '/dev/null' : quote(`b/${n}`)) + tail
      : quote(kw.endsWith('from ') ? o : n);
    out.push(kw + text + eol);
  }
  return { entry: out.join(''), linesDropped: dropped };
}

/** A `---`/`+++` (`stamped`) or rename/copy name as written (prefix kept), or why it is ambiguous. */
function readName(rest: string, stamped: boolean): { path: string } | { reason: string } {
  if (/^\s/.test(rest)) return { reason: 'a name starting with a blank (git apply keeps the blank, GNU patch skips it)' };
  if (rest.startsWith('"')) {
    let end = -1;
    for (let i = 1; i < rest.length; i++) {
      if (rest[i] === '\\') i++;
      else if (rest[i] === '"') { end = i + 1; break; }
    }
    if (end < 0) return { reason: 'a quoted name that is not closed' };
    const after = rest.slice(end);
    if (!(after === '' || (stamped && after.startsWith('\t')))) return { reason: 'text after a quoted name' };
    return { path: unquote(rest.slice(0, end)) };
  }
  // Read as git apply does, to the tab; GNU patch would end it at a blank with no tab after it, but
  // the rewrite quotes such a name, so GNU patch reads it whole too.
  return { path: stamped ? rest.split('\t')[0]!.trimEnd() : rest };
}

/** The `\t…` timestamp after an unquoted or quoted `---`/`+++` name, or ''. */
function timestamp(rest: string): string {
  const end = rest.startsWith('"') ? rest.indexOf('"\t', 1) + 1 : -1;
  const tab = rest.indexOf('\t', end > 0 ? end : 0);
  return tab < 0 ? '' : rest.slice(tab).replace(/[\r\n]/g, '');
}

/** Why a path (prefix removed) is no valid checkout path, or null. */
export function invalidPath(p: string): string | null {
  if (p === '' || posix.normalize(p) === '.') return 'an empty path';
  if (p.includes('\0')) return 'a path with a NUL character';
  if (Buffer.byteLength(p) > PATH_MAX) return `a path over ${PATH_MAX} bytes`;
  if (p.split('/').some((c) => Buffer.byteLength(c) > NAME_MAX)) return `a path component over ${NAME_MAX} bytes`;
  return null;
}

/** A name as git writes it: C-style quoted when it holds a blank, a quote, a backslash or a control character. */
function quote(s: string): string {
  if (!/[\s"\\\x00-\x1f\x7f]/.test(s)) return s;
  const esc: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '"': '\\"', '\\': '\\\\' };
  return `"${[...s].map((c) => esc[c] ?? (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}` : c)).join('')}"`;
}

function bad(path: string, reason: string): { path: string; reason: string } {
  return { path: JSON.stringify(path), reason };
}
