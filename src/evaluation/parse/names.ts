// Test-id hygiene shared by every report parser (DESIGN.md §2: "no durations, no ANSI codes"):
// cleaning one part of an id, and making a reported file path relative to the repository root.
import { isAbsolute, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import stripAnsi from 'strip-ansi';
import { normalizeTitle } from '../../core/test-id.ts';

/** Separator of the parts of a full test id: `file > describe > … > title`. */
export const ID_SEPARATOR = ' > ';

const NUM = String.raw`\d+(?:\.\d+)?`;
const UNIT = String.raw`(?:ns|\u00b5s|\u03bcs|us|ms|s|sec|secs)`;

/**
 * A timing a runner appended to a name, at its very end, after whitespace. Exactly three forms:
 * - delimited: `(` or `[`, a number, an optional single space, a unit, `)` or `]`:
 *   ` (12ms)`, ` (3 ms)`, ` (0.51ms)`, ` [1.2s]`, ` (1.002 s)` (jest, mocha spec, node spec);
 * - bare milliseconds glued to the number: ` 12ms`, ` 0.5ms` (vitest verbose);
 * - bare seconds glued to a number *with a decimal point*: ` 1.02s` (vitest past one second).
 * Units: `ns`, `µs`/`μs`/`us`, `ms`, `s`, `sec`, `secs`. The number is digits with an optional
 * fraction. Anything else is part of the title and kept, e.g. `times out after 5 (ms)` (no number
 * inside the brackets), `waits 5 ms` (bare with a space), `retries 3s` (bare whole seconds),
 * `(12ms) later` (not at the end).
 */
export const DURATION_SUFFIX_RE = new RegExp(String.raw`\s+(?:\(${NUM} ?${UNIT}\)|\[${NUM} ?${UNIT}\]|${NUM}ms|\d+\.\d+s)$`, 'u');

/**
 * One part of a test id (a file, a describe name or a title) as fixbench keys it: ANSI escape
 * codes removed (strip-ansi), surrounding whitespace trimmed, then one trailing duration removed
 * (`DURATION_SUFFIX_RE`; a name that is only a duration, such as `12ms`, has no whitespace before
 * it and is kept). Only one suffix goes: a runner appends one timing, so `a (1ms) (2ms)` becomes
 * `a (1ms)`. A title that really ends in such a suffix must be worded otherwise (tasks/README.md,
 * "Test ids"). Last, the one id rule: control and invisible characters become printable escapes
 * (`normalizeTitle`: a tab → `\t`, NUL → `\0`).
 */
export function cleanName(raw: string): string {
  const s = stripAnsi(raw).trim();
  const m = DURATION_SUFFIX_RE.exec(s);
  return normalizeTitle(m ? s.slice(0, m.index).trimEnd() : s);
}

/** Joins cleaned parts into a full id, leaving out empty parts; every part in its printable form (`normalizeTitle`, so a file path holding a tab is too). */
export function joinId(parts: readonly string[]): string {
  return parts.filter((p) => p !== '').map(normalizeTitle).join(ID_SEPARATOR);
}

/**
 * A test file path as it appears in ids: relative to the repository root, `/`-separated.
 * `roots` are the absolute paths under which the runner may have seen the repository (the
 * workspace as given and with symlinks resolved); the first that contains `file` wins. A
 * `file://` URL is read as its path. A relative `file` is taken as relative to the root already
 * (normalised, a leading `./` dropped). An absolute path outside every root is kept as it is:
 * such an id matches no task's list, so its test counts as missing. ANSI codes are removed.
 */
export function repoRelativeFile(file: string, roots: readonly string[]): string {
  let f = stripAnsi(file).trim();
  if (f.startsWith('file://')) f = fileUrlPath(f);
  if (f === '') return '';
  if (!isAbsolute(f)) return posix.normalize(f.replaceAll('\\', '/')).replace(/^(?:\.\/)+/, '');
  for (const root of roots) {
    const rel = relative(root, f);
    if (rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)) return rel;
  }
  return f;
}

function fileUrlPath(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}
