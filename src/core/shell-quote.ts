// One POSIX shell quoting rule for every command fixbench writes.

/** `s` single-quoted for bash (safe inside a word: `openai/{{model}}` → `openai/'x'`); `'` is written `'\\''`. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
