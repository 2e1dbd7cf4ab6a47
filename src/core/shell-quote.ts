// One POSIX shell quoting rule for every command fixbench writes.

/** `s` single-quoted for bash (safe inside a word: `openai/{{model}}` → `openai/'x'`); `'` is written `'\\''`. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Characters a POSIX shell reads as themselves anywhere in an unquoted argument word: letters,
 * digits, `_ . / = + : , @ % -` (POSIX.1-2017 XCU 2.2 Quoting and 2.6 Word Expansions: every other
 * character may be blank, an operator, a quote, an expansion (`$` `` ` `` `~`), a glob (`* ? [`) or
 * a comment (`#`)).
 */
const PLAIN_WORD = /^[\w./=+:,@%-]+$/;

/**
 * `s` as one shell argument word: as written when every character is one the shell reads as itself
 * (`PLAIN_WORD`: `/tmp/ws/a.xml`), otherwise single-quoted (`shellQuote`: `'/tmp/my ws/a.xml'`,
 * `''` for the empty string). Not for the command's first word (`a=b` there is an assignment).
 */
export const shellWord = (s: string): string => (PLAIN_WORD.test(s) ? s : shellQuote(s));

/** A quoting a POSIX shell is inside at some point of a command: `'…'` or `"…"` (XCU 2.2.2, 2.2.3). */
type Quoting = 'single' | 'double';

/**
 * How one shell reads `text` to its end: the quoting in force there, and the value the shell gives
 * the word the end is in, up to the end (quotes removed, backslash escapes undone), or null where
 * fixbench does not follow the shell: an expansion whose value or nesting it does not know (`$(`,
 * `${`, `` ` ``, `$'`, `$"`, `$NAME` inside the word) or a here-document (`<<`).
 */
function readTo(text: string): { quoting: Quoting | null; word: string } | null {
  let quoting: Quoting | null = null;
  let word = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoting === 'single') {
      if (c === "'") quoting = null;
      else word += c;
    } else if (c === '`' || (c === '$' && i + 1 < text.length)) {
      return null;
    } else if (quoting === 'double') {
      if (c === '"') quoting = null;
      else if (c === '\\' && /[$`"\\\n]/.test(text[i + 1] ?? '')) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quoting = c === "'" ? 'single' : 'double';
    } else if (c === '\\') {
      word += text[++i] ?? '';
    } else if (c === '<' && text[i + 1] === '<') {
      return null;
    } else if (/[\s;&|()<>]/.test(c)) {
      word = '';
    } else {
      word += c;
    }
  }
  return { quoting, word };
}

/**
 * `word` written to be read as one argument word by the shell that runs the command at the end of
 * `before` (the command text up to where `word` goes, a blank before it): `shellWord(word)` where
 * that point is unquoted; where it lies inside a quoted string handed to another shell
 * (`sh -c 'cd test && node --test`), that text escaped for each enclosing quoting, innermost first:
 * a `'` as `'\''` inside `'…'`, a backslash before each of `\ " $ `` ` inside `"…"` (XCU 2.2.2,
 * 2.2.3), so the outer shell passes the inner one exactly `shellWord(word)`. Where fixbench cannot
 * follow the quoting (`readTo` null: an expansion or here-document before that point) it is
 * `shellWord(word)`, right when the point is unquoted and otherwise leaving a command that fails.
 */
export function shellWordAt(before: string, word: string): string {
  const levels: Quoting[] = [];
  for (let text = before; ; ) {
    const read = readTo(text);
    if (read === null) return shellWord(word);
    if (read.quoting === null) break;
    levels.push(read.quoting);
    text = read.word;
  }
  return levels.reduceRight(
    (inner, q) => (q === 'single' ? inner.replace(/'/g, `'\\''`) : inner.replace(/[\\"$`]/g, '\\$&')),
    shellWord(word),
  );
}
