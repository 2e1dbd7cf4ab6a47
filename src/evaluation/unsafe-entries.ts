// Patch entries that would leave the workspace (DESIGN.md §11 rule 2): dropped from a patch once,
// before any application strategy (git apply, --3way, --recount, patch --fuzz) sees it.
import { posix } from 'node:path';
import { unquote } from './diff-files.ts';
import { canonicalEntry } from './header-names.ts';

export interface SafePatch {
  /** The patch without its unsafe entries ('' when none is left); kept entries as `canonicalEntry` rewrites them (a canonical entry unchanged). */
  patch: string;
  /** Number of file entries dropped. */
  unsafeEntriesDropped: number;
  /** One sentence per dropped entry (path and reason), for the apply log. */
  notes: string[];
}

const HUNK_RE = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;
/** Header lines that name a path: `[keyword, strips the a/ b/ prefix]`. */
const PATH_LINES: [string, boolean][] = [
  ['diff --git ', true],
  ['--- ', true],
  ['+++ ', true],
  ['rename from ', false],
  ['rename to ', false],
  ['copy from ', false],
  ['copy to ', false],
];
/** Header lines carrying a mode, as `git apply` finds them (the index line's mode after its ids). */
const MODE_LINE_RE = /^(?:new file mode |new mode |index [^.\s]*\.\.\S+ )(.*)$/;

/**
 * The mode of a header line's rest the way `git apply` reads it (`parse_mode_line`: `strtoul` base
 * 8, so leading blanks, a sign and leading zeros are allowed; a blank or the end must follow), or
 * null when git would reject it. A negative value wraps as an unsigned long does.
 */
export function parseGitMode(rest: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)(?:[ \t\n\v\f\r].*)?$/s.exec(rest);
  if (!m) return null;
  const v = BigInt(`0o${m[2]}`) & 0xffffffffffffffffn;
  return m[1] === '-' ? (0x10000000000000000n - v) & 0xffffffffffffffffn : v;
}

/** True when `line` gives the entry a mode git treats as a symlink (file type bits 0120000), as `git apply` reads it (the index line's mode too). */
export function isSymlinkModeLine(line: string): boolean {
  const m = MODE_LINE_RE.exec(line);
  if (!m) return false;
  const mode = parseGitMode(m[1]!);
  return mode !== null && (mode & 0o170000n) === 0o120000n;
}

/**
 * Drops every file entry of `patch` (a unified diff, as `normalizePatch` leaves it) that could
 * write outside the work tree's plain files, whichever applier reads it:
 * - a path (in `diff --git`, `---`, `+++`, `rename`/`copy` lines, quoted or not) with a component
 *   named `.git` in any letter case, or a `..` component, or that is absolute once its `a/`/`b/`
 *   prefix is removed (`/dev/null` aside);
 * - a symlink (mode 120000) whose target is empty, absolute, names `.git`, leaves the workspace
 *   when resolved from the link's folder, or climbs (`..`) after descending (it could pass through
 *   another link), or whose target the patch does not show;
 * - an entry whose path runs through a symlink another entry of the patch makes (`l -> test`, then
 *   `l/x.js`): GNU patch (the last strategy) follows such a link, so the file would land at its
 *   target (e.g. in a protected folder, or a link made there pointing out of the tree), where no
 *   check of the written path looks (atkD).
 * - an entry whose file names cannot be read unambiguously, or are no valid paths (`canonicalEntry`:
 *   a name starting with a blank, headers naming different files, a component over 255 bytes, …).
 * Every other entry is kept with its name lines rewritten canonically from the one reading
 * (`canonicalEntry`), so every later check and every applier reads the same names (atkA7); a
 * canonical entry is kept byte for byte. Pure; never throws.
 */
export function dropUnsafeEntries(patch: string): SafePatch {
  const kept: string[] = [];
  const notes: string[] = [];
  const entries: string[] = [];
  for (const raw of splitEntries(patch)) {
    const c = canonicalEntry(raw);
    if ('reason' in c) notes.push(`dropped the change to ${c.path}: ${c.reason}`);
    else entries.push(c.entry);
  }
  const links = new Set(entries.map(symlinkPath).filter((p): p is string => p !== null));
  for (const entry of entries) {
    const why = unsafeReason(entry) ?? throughLink(entry, links);
    if (why === null) kept.push(entry);
    else notes.push(`dropped the change to ${why.path}: ${why.reason}`);
  }
  return { patch: kept.join(''), unsafeEntriesDropped: notes.length, notes };
}

/** The paths an entry names in its header (`a/`/`b/` prefixes removed, `/dev/null` left out, `posix.normalize`d). */
export function entryPaths(entry: string): string[] {
  const out: string[] = [];
  for (const line of entry.split('\n').map((l) => l.replace(/\r$/, ''))) {
    if (line.startsWith('@@ ')) break;
    for (const [keyword, strips] of PATH_LINES) {
      if (!line.startsWith(keyword)) continue;
      const rest = line.slice(keyword.length);
      for (const raw of keyword === 'diff --git ' ? gitHeaderPaths(rest) : [headerPath(rest, keyword.startsWith('-') || keyword.startsWith('+'))]) {
        if (!(raw === '/dev/null' && strips)) out.push(posix.normalize(strips ? stripPrefix(raw) : raw));
      }
    }
  }
  return out;
}

/** The path of the symlink an entry makes, changes or deletes (any symlink mode line), or null. */
export function symlinkPath(entry: string): string | null {
  const lines = entry.split('\n').map((l) => l.replace(/\r$/, ''));
  const at = lines.findIndex((l) => l.startsWith('@@ '));
  const head = at < 0 ? lines : lines.slice(0, at);
  if (!head.some(isSymlinkModeLine)) return null;
  return entryPaths(entry).at(-1) ?? null;
}

/** Why an entry whose path has one of `links` as a proper ancestor is unsafe, or null. */
function throughLink(entry: string, links: ReadonlySet<string>): { path: string; reason: string } | null {
  for (const p of entryPaths(entry)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const anc = parts.slice(0, i).join('/');
      if (links.has(anc)) return { path: JSON.stringify(p), reason: `its path runs through ${JSON.stringify(anc)}, a symlink this patch makes` };
    }
  }
  return null;
}

/** The file entries of a unified diff, each with its lines (newlines kept); text before the first is dropped. */
export function splitEntries(patch: string): string[] {
  const lines = patch.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const bare = (i: number): string => (lines[i] ?? '').replace(/\r?\n$/, '').replace(/\r$/, '');
  const entries: string[][] = [];
  let cur: string[] | null = null;
  let inGitHeader = false;
  let oldLeft = 0;
  let newLeft = 0;
  for (let i = 0; i < lines.length; i++) {
    const b = bare(i);
    if (oldLeft > 0 || newLeft > 0) {
      const c = b[0];
      if (b === '' || c === ' ') { oldLeft--; newLeft--; }
      else if (c === '-') oldLeft--;
      else if (c === '+') newLeft--;
      if (c === ' ' || c === '-' || c === '+' || c === '\\' || b === '') {
        cur?.push(lines[i]!);
        continue;
      }
      oldLeft = newLeft = 0;
    }
    const plainStart = b.startsWith('--- ') && bare(i + 1).startsWith('+++ ') && !inGitHeader;
    if (b.startsWith('diff --git ') || plainStart) {
      cur = [];
      entries.push(cur);
      inGitHeader = b.startsWith('diff --git ');
    } else if (b.startsWith('@@ ')) {
      inGitHeader = false;
      const m = HUNK_RE.exec(b);
      if (m) {
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        newLeft = m[2] === undefined ? 1 : Number(m[2]);
      }
    } else if (b.startsWith('+++ ')) inGitHeader = false;
    cur?.push(lines[i]!);
  }
  return entries.map((e) => e.join(''));
}

/** Why an entry is unsafe, with the path to name, or null when it is safe. */
function unsafeReason(entry: string): { path: string; reason: string } | null {
  const lines = entry.split('\n').map((l) => l.replace(/\r$/, ''));
  let shown = '(unnamed file)';
  let newPath: string | null = null;
  let symlink = false;
  for (const line of lines) {
    if (line.startsWith('@@ ')) break;
    if (isSymlinkModeLine(line)) symlink = true;
    for (const [keyword, strips] of PATH_LINES) {
      if (!line.startsWith(keyword)) continue;
      const rest = line.slice(keyword.length);
      const paths = keyword === 'diff --git ' ? gitHeaderPaths(rest) : [headerPath(rest, keyword.startsWith('-') || keyword.startsWith('+'))];
      for (const raw of paths) {
        if (raw === '/dev/null' && strips) continue;
        const path = strips ? stripPrefix(raw) : raw;
        if (shown === '(unnamed file)') shown = JSON.stringify(path);
        if (keyword === '+++ ' || keyword === 'rename to ' || keyword === 'copy to ') newPath = path;
        const bad = badPath(path);
        if (bad) return { path: JSON.stringify(path), reason: bad };
      }
    }
  }
  if (!symlink) return null;
  const target = symlinkTarget(lines);
  if (target === null) return { path: shown, reason: 'a symlink whose target the patch does not show' };
  const bad = badTarget(newPath ?? '', target);
  return bad ? { path: shown, reason: `a symlink to ${JSON.stringify(target)}, ${bad}` } : null;
}

/** Why a path (prefix removed) may not be written, or null. */
function badPath(path: string): string | null {
  if (path === '') return 'an empty path';
  if (path.startsWith('/')) return 'an absolute path';
  const parts = path.split(/[/\\]/);
  if (parts.some((p) => p.toLowerCase() === '.git')) return 'a path into a .git folder';
  if (parts.includes('..')) return 'a path that climbs out with ".."';
  return null;
}

/** Why a symlink target may not be created at `linkPath`, or null. */
function badTarget(linkPath: string, target: string): string | null {
  if (target === '') return 'an empty target';
  if (target.startsWith('/')) return 'an absolute target';
  const parts = target.split('/');
  if (parts.some((p) => p.toLowerCase() === '.git')) return 'a target in a .git folder';
  const firstName = parts.findIndex((p) => p !== '..' && p !== '.' && p !== '');
  if (firstName >= 0 && parts.slice(firstName).includes('..')) return 'a target that climbs ("..") after descending';
  const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target));
  if (resolved === '..' || resolved.startsWith('../')) return 'a target outside the workspace';
  return null;
}

/** The target a symlink entry's hunk gives it (`lines`: the entry's lines, `\r` removed): its single `+` line, or null. */
export function symlinkTarget(lines: string[]): string | null {
  const start = lines.findIndex((l) => l.startsWith('@@ '));
  if (start < 0) return null;
  const added = lines.slice(start + 1).filter((l) => l.startsWith('+'));
  return added.length === 1 ? added[0]!.slice(1) : null;
}

/** The two paths of a `diff --git` header (quoted or not), prefixes kept; both tokens when ambiguous. */
function gitHeaderPaths(rest: string): string[] {
  const quoted = [...rest.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) => unquote(m[0]));
  const unq = rest.replace(/"(?:[^"\\]|\\.)*"/g, ' ').split(' ').filter(Boolean);
  return [...quoted, ...unq];
}

/** Path of a `---`/`+++` or `rename`/`copy` line: quoted or not; a `---`/`+++` timestamp after a tab dropped. */
function headerPath(s: string, hasTimestamp: boolean): string {
  if (s.startsWith('"')) {
    const m = /^"(?:[^"\\]|\\.)*"/.exec(s);
    return unquote(m ? m[0] : s);
  }
  return hasTimestamp ? s.split('\t')[0]!.trimEnd() : s;
}

/** Drops the first path component (`-p1`); a path of one component is kept as is. */
function stripPrefix(p: string): string {
  const i = p.indexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}
