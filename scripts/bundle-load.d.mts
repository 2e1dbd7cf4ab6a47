// Types of scripts/bundle-load.mjs (the start-up bundle's loader), for the TypeScript that imports it (the tests).
import type { Script } from 'node:vm';
/** The bundle and its V8 code cache, relative to dist/. */
export const BUNDLE_FILE: string;
export const CODE_CACHE_FILE: string;
/** The bundle's text as the script V8 compiles: one strict-mode function over Node's CommonJS parameters and the bundle's `import.meta.url`. */
export function wrapBundle(code: string): string;
/** Compiles (with `cachedData` when given) and runs the bundle; `rejected`: V8 refused `cachedData` and compiled without it. */
export function loadBundle(code: string | Buffer, file: string, cachedData?: Buffer, shownAs?: string): { exports: Record<string, unknown>; script: Script; rejected: boolean };
