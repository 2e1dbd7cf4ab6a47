export { globToRegExpSource } from './compile.js';
export { isMatch, makeMatcher, toRegExp } from './match.js';
export type { Matcher } from './match.js';
export type { GlobOptions } from './options.js';
