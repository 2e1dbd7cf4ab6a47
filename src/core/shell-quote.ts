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
