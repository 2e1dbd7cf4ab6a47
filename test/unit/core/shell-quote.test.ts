// shellWord: a word is left as written only when sh reads it as itself; otherwise single-quoted.
// Checked by handing each word to a real sh, in a folder where a glob would match a file.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellWord } from '../../../src/core/shell-quote.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-shell-word-'));
  await writeFile(path.join(dir, 'a.xml'), '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The arguments sh passes to printf when the script names `word` as one argument. */
const argsSeen = (word: string): string[] =>
  execFileSync('sh', ['-c', `printf '%s\\0' ${word}`], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH!, HOME: '/nonexistent' } }).split('\0').slice(0, -1);

describe('shellWord', () => {
  it('leaves a plain path as written', () => {
    for (const w of ['/tmp/ws/.fixbench-1f.xml', '--test-reporter-destination=/a/b', 'a+b:c,d@e%f-g_h']) {
      expect(shellWord(w)).toBe(w);
      expect(argsSeen(shellWord(w))).toEqual([w]);
    }
  });
  it.each([
    ['a space', '/tmp/my ws/a.xml'],
    ['a single quote', "/tmp/o'neil/a.xml"],
    ['a dollar', '/tmp/$HOME/a.xml'],
    ['a glob star', '*.xml'],
    ['a glob question mark and brackets', '?.[x]ml'],
    ['a tilde', '~/a.xml'],
    ['a semicolon, as in a data: URL', '--test-reporter=data:text/javascript;base64,AB+/='],
    ['a backslash and a double quote', 'a\\"b'],
    ['a hash', '#a'],
  ])('single-quotes a word with %s, which sh then reads as that one word', (_, w) => {
    expect(shellWord(w)).not.toBe(w);
    expect(argsSeen(shellWord(w))).toEqual([w]);
  });
  it('quotes the empty string, so it stays one (empty) argument', () => {
    expect(argsSeen(shellWord(''))).toEqual(['']);
  });
});
