// The start-up bundle is ASCII (scripts/build.mjs `asciiOnly`): esbuild escapes strings, names and
// plain templates itself, and the build escapes what is left. That is sound only when what is left
// is comments: an escape in a comment is text, while in a template a tag reads `raw` from
// (String.raw) it would change the value. This test holds the sources to that.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from '@babel/parser';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { asciiOnly, bundleOptions } from '../../../scripts/build.mjs';

describe('the bundle is ASCII', () => {
  it('asciiOnly escapes every character above U+007F as UTF-16 units and keeps lines', () => {
    const code = "// a — b 😀\nconst x = 1; /* ← */\n";
    const out = asciiOnly(code);
    expect(out).toBe('// a \\u2014 b \\ud83d\\ude00\nconst x = 1; /* \\u2190 */\n');
    expect(/[^\x00-\x7f]/.test(out)).toBe(false);
    expect(asciiOnly('plain ascii\n')).toBe('plain ascii\n');
  });

  it("esbuild's bundle of the sources holds characters above U+007F only in comments (write \\uXXXX in a tagged template or a regular expression)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-ascii-'));
    try {
      const file = path.join(dir, 'main.cjs');
      await esbuild.build({ ...bundleOptions(file), logLevel: 'silent' });
      const text = await readFile(file, 'utf8');
      const comments = (parse(text, { sourceType: 'script', allowReturnOutsideFunction: true }).comments ?? []).map((c) => [c.start!, c.end!] as const);
      const outside: string[] = [];
      for (const m of text.matchAll(/[^\x00-\x7f]/g)) {
        if (comments.some(([s, e]) => m.index >= s && m.index < e)) continue;
        const line = text.slice(0, m.index).split('\n').length;
        outside.push(`line ${line}: ${text.split('\n')[line - 1]!.trim().slice(0, 120)}`);
      }
      expect(outside).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
