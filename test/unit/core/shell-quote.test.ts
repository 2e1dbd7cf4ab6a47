// shellWord: a word is left as written only when sh reads it as itself; otherwise single-quoted.
// Checked by handing each word to a real sh, in a folder where a glob would match a file.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellWord, shellWordAt } from '../../../src/core/shell-quote.ts';

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

describe('shellWordAt', () => {
  const words = ['/tmp/ws/a.xml', '/tmp/my ws/a.xml', "/tmp/o'neil/a b", '/tmp/$HOME/`x`/"q"\\b', '--test-reporter=data:text/javascript;base64,AB+/='];
  /** Each command: the text before the word and after it; the innermost shell runs `printf %s@ <word>`. */
  it.each([
    ['unquoted', 'printf %s@ ', ''],
    ["inside sh -c '…'", "sh -c 'printf %s@ ", "'"],
    ['inside sh -c "…"', 'sh -c "printf %s@ ', '"'],
    ["inside sh -c '…' after a quote written '\\''", "sh -c 'true '\\''a b'\\'' && printf %s@ ", "'"],
    ["inside bash -c \"sh -c '…'\"", "bash -c \"sh -c 'printf %s@ ", "'\""],
    ["inside sh -c 'bash -c \"…\"'", "sh -c 'bash -c \"printf %s@ ", "\"'"],
  ])('the innermost shell reads the word as written: %s', (_, before, after) => {
    for (const w of words) {
      const out = execFileSync('sh', ['-c', `${before}${shellWordAt(before, w)}${after}`], { cwd: dir, encoding: 'utf8' });
      expect(out).toBe(`${w}@`);
    }
  });
  it('is shellWord where an expansion before the word hides the quoting', () => {
    expect(shellWordAt("sh -c \"$(printf x) 'node --test ", '/a b')).toBe(shellWord('/a b'));
    expect(shellWordAt('cat <<EOF\nnode --test ', '/a b')).toBe(shellWord('/a b'));
  });
});
