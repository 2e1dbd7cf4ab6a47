// Which files a unified diff touches, read from its file headers (`diff --git`, `---`/`+++`,
// `new file mode`, `deleted file mode`, `rename from/to`); hunk bodies are skipped by their counts.

export interface DiffFile {
  /** Path before the change (prefix `a/` stripped); null for a created file. */
  oldPath: string | null;
  /** Path after the change (prefix `b/` stripped); null for a deleted file. */
  newPath: string | null;
}

interface Draft {
  headerOld?: string;
  headerNew?: string;
  minus?: string | null;
  plus?: string | null;
  renameFrom?: string;
  renameTo?: string;
  created?: boolean;
  deleted?: boolean;
}

const HUNK_RE = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * Lists the files of a unified diff (git-style or plain `---`/`+++`), in order. Paths are relative
 * to the repository root (`-p1`); git's C-style quoted paths are decoded.
 */
export function diffFiles(patch: string): DiffFile[] {
  const files: DiffFile[] = [];
  let cur: Draft | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  const finish = (): void => {
    if (cur) files.push(toFile(cur));
    cur = null;
  };
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (oldLeft > 0 || newLeft > 0) {
      // read without the CR, as splitEntries and GNU patch do: a CR-only line is a blank context line
      const c = line[0];
      if (c === ' ' || line === '') { oldLeft--; newLeft--; continue; }
      if (c === '-') { oldLeft--; continue; }
      if (c === '+') { newLeft--; continue; }
      if (c === '\\') continue;
      oldLeft = newLeft = 0; // malformed hunk: fall through and read the line as a header
    }
    if (line.startsWith('diff --git ')) {
      finish();
      cur = {};
      const pair = splitGitHeader(line.slice('diff --git '.length));
      if (pair) [cur.headerOld, cur.headerNew] = pair;
    } else if (line.startsWith('--- ')) {
      if (!cur || cur.plus !== undefined) {
        finish();
        cur = {};
      }
      cur.minus = headerPath(line.slice(4));
    } else if (line.startsWith('+++ ') && cur) {
      cur.plus = headerPath(line.slice(4));
    } else if (line.startsWith('@@ ')) {
      const m = HUNK_RE.exec(line);
      if (m) {
        oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        newLeft = m[2] === undefined ? 1 : Number(m[2]);
      }
    } else if (cur) {
      if (line.startsWith('new file mode')) cur.created = true;
      else if (line.startsWith('deleted file mode')) cur.deleted = true;
      else if (line.startsWith('rename from ')) cur.renameFrom = unquote(line.slice('rename from '.length));
      else if (line.startsWith('rename to ')) cur.renameTo = unquote(line.slice('rename to '.length));
    }
  }
  finish();
  return files;
}

function toFile(d: Draft): DiffFile {
  const oldPath = d.created || d.minus === null ? null : (d.renameFrom ?? d.minus ?? d.headerOld ?? null);
  const newPath = d.deleted || d.plus === null ? null : (d.renameTo ?? d.plus ?? d.headerNew ?? null);
  return { oldPath, newPath };
}

/** `a/x b/y` (possibly quoted) → [x, y] without prefixes; null when ambiguous. */
export function splitGitHeader(rest: string): [string, string] | null {
  if (rest.startsWith('"')) {
    const end = quotedEnd(rest);
    const first = unquote(rest.slice(0, end));
    const second = unquote(rest.slice(end + 1));
    return [stripPrefix(first), stripPrefix(second)];
  }
  if (rest.endsWith('"')) {
    const start = rest.lastIndexOf(' "');
    return [stripPrefix(rest.slice(0, start)), stripPrefix(unquote(rest.slice(start + 1)))];
  }
  // Unquoted `a/P b/P`: equal halves when the path is unchanged (the common case, even with spaces).
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (rest[half] === ' ' && stripPrefix(a) === stripPrefix(b)) return [stripPrefix(a), stripPrefix(b)];
  }
  const i = rest.indexOf(' b/');
  return i < 0 ? null : [stripPrefix(rest.slice(0, i)), stripPrefix(rest.slice(i + 1))];
}

/** Path of a `---`/`+++` line: null for /dev/null; a trailing tab-separated timestamp is dropped. */
function headerPath(s: string): string | null {
  const p = s.startsWith('"') ? unquote(s.slice(0, quotedEnd(s))) : s.split('\t')[0]!.trimEnd();
  return p === '/dev/null' ? null : stripPrefix(p);
}

/** Drops the first path component (`patch -p1`). */
function stripPrefix(p: string): string {
  const i = p.indexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Index just past the closing quote of a C-style quoted string starting at 0. */
function quotedEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i + 1;
  }
  return s.length;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** Decodes git's C-style quoting (`"a/\303\251.txt"` → `a/é.txt`); unquoted input is returned as is. */
export function unquote(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = String.fromCodePoint(body.codePointAt(i)!);
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length - 1;
      continue;
    }
    const next = body[i + 1] ?? '';
    const oct = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
