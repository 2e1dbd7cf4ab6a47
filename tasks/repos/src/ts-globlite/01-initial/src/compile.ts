import type { GlobOptions } from './options.js';

/** A `(?!\.)` guard: the next character must not be a dot. */
const NO_DOT = '(?!\\.)';

/**
 * Compiles one glob (braces already expanded) into the source of a regular
 * expression that matches a whole path. Segments are separated by `/`.
 *
 *   `*`       any run of characters inside one segment
 *   `?`       exactly one character inside one segment
 *   `[abc]`   one character of a set; `[a-z]` ranges; `[!abc]` or `[^abc]` negates
 *   `**`      a whole segment of its own: zero or more directories
 *   `\x`      the character x itself
 *
 * Unless `options.dot` is set, wildcards do not match a dot that starts a segment.
 */
export function globToRegExpSource(glob: string, options: GlobOptions = {}): string {
  const guard = options.dot ? '' : NO_DOT;
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    const segmentStart = i === 0 || glob[i - 1] === '/';
    switch (c) {
      case '*':
        if (glob[i + 1] === '*') {
          out += '.*';
          i += 2;
        } else {
          out += (segmentStart ? guard : '') + '[^/]*';
          i += 1;
        }
        break;
      case '?':
        out += (segmentStart ? guard : '') + '[^/]';
        i += 1;
        break;
      case '[': {
        const set = readCharacterClass(glob, i);
        if (set === null) {
          out += '\\[';
          i += 1;
        } else {
          out += set.source;
          i = set.end;
        }
        break;
      }
      case '\\': {
        const next = glob[i + 1];
        if (next === undefined) {
          out += '\\\\';
          i += 1;
        } else {
          out += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
          i += 2;
        }
        break;
      }
      case '.':
        out += '\\.';
        i += 1;
        break;
      default:
        out += c;
        i += 1;
    }
  }
  return out;
}

/**
 * Reads the character class that starts at `glob[start] === '['`. Returns its
 * regular expression and the index after its closing `]`, or null when the `[`
 * is not closed within the segment (it is then an ordinary character).
 */
function readCharacterClass(glob: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negated = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negated = true;
    i += 1;
  }
  let body = '';
  let first = true;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === ']' && !first) {
      // A negated set must still stay inside the segment.
      return { source: negated ? `[^/${body}]` : `[${body}]`, end: i + 1 };
    }
    if (c === '/') return null;
    if (c === '\\' && i + 1 < glob.length) {
      body += escapeInClass(glob[i + 1]!);
      i += 2;
    } else {
      body += c === '-' ? '-' : escapeInClass(c);
      i += 1;
    }
    first = false;
  }
  return null;
}

function escapeInClass(c: string): string {
  return /[\\\]\[^-]/.test(c) ? `\\${c}` : c;
}
