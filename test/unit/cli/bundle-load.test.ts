import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../../../scripts/bundle-load.mjs';

// bin/fixbench.mjs runs the start-up bundle through loadBundle with the build's V8 code cache: the
// cache must be taken when it fits, a cache that does not fit must cost a plain compile and nothing
// else, and the bundle must run as its ES-module sources did (strict mode, import.meta.url, require).
describe('loadBundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-bundle-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const code = [
    'const { join } = require("node:path");',
    'exports.url = __fixbench_import_meta_url;',
    'exports.here = join(__dirname, "x");',
    'exports.self = (function () { return this; })();',
    'exports.sloppy = () => { undeclaredName = 1; };',
    'exports.twice = (n) => n * 2;',
  ].join('\n');

  it('runs the bundle with the CommonJS parameters, its file URL as import.meta.url, in strict mode, keeping its line numbers', () => {
    const file = path.join(dir, 'bundle', 'main.cjs');
    const { exports, rejected } = loadBundle(Buffer.from(code), file);
    expect(rejected).toBe(false); // no cache given: nothing to reject
    expect(exports.url).toBe(pathToFileURL(file).href);
    expect(exports.here).toBe(path.join(dir, 'bundle', 'x'));
    expect(exports.self).toBeUndefined(); // strict: `this` of a plain call
    expect(() => (exports.sloppy as () => void)()).toThrow(ReferenceError);
    const thrower = loadBundle('\n\nexports.f = () => { throw new Error("x"); };', file).exports.f as () => void;
    try {
      thrower();
    } catch (e) {
      expect((e as Error).stack).toContain(`${file}:3:`); // line 3 of the bundle's own text
    }
  });

  it('takes a code cache made from the same text, and compiles without one it rejects (another text, or garbage)', () => {
    const file = path.join(dir, 'main.cjs');
    const first = loadBundle(code, file);
    (first.exports.twice as (n: number) => number)(2); // compiled now, so in the cache
    const cache = first.script.createCachedData();
    const again = loadBundle(code, file, cache);
    expect(again.rejected).toBe(false);
    expect((again.exports.twice as (n: number) => number)(21)).toBe(42);
    const other = loadBundle(`${code}\nexports.more = 1;`, file, cache);
    expect(other.rejected).toBe(true);
    expect(other.exports.more).toBe(1);
    // (a text of its own: V8 answers a text it compiled before in this process from memory, cache or not)
    const garbage = loadBundle(`${code}\n// garbage`, file, Buffer.from('not a code cache'));
    expect(garbage.rejected).toBe(true);
    expect((garbage.exports.twice as (n: number) => number)(1)).toBe(2);
  });
});
