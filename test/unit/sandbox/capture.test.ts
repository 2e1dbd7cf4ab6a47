import { describe, expect, it } from 'vitest';
import { OutputCapture, utf8Boundary } from '../../../src/sandbox/capture.ts';

describe('OutputCapture', () => {
  it('joins chunks before decoding, so a character split across chunks survives', () => {
    const c = new OutputCapture(100);
    const bytes = Buffer.from('€', 'utf8');
    for (const b of bytes) c.push(Buffer.from([b]));
    expect(c.text()).toBe('€');
    expect(c.truncated).toBe(false);
  });

  it('cuts at the cap back to a character boundary (never a half character)', () => {
    const c = new OutputCapture(3);
    c.push(Buffer.from('ab€', 'utf8')); // 5 bytes: a b E2 82 AC
    expect(c.text()).toBe('ab');
    expect(c.truncated).toBe(true);
    expect(c.totalBytes).toBe(5);
  });

  it('counts but drops bytes past the cap', () => {
    const c = new OutputCapture(4);
    c.push(Buffer.from('abc'));
    c.push(Buffer.from('def'));
    expect(c.text()).toBe('abcd');
    expect(c.totalBytes).toBe(6);
  });
});

describe('utf8Boundary', () => {
  it.each([
    ['ascii', [0x61, 0x62], 2],
    ['complete 2-byte', [0x61, 0xc3, 0xa9], 3],
    ['lead byte only', [0x61, 0xe2], 1],
    ['3-byte missing one', [0x61, 0xe2, 0x82], 1],
    ['complete 4-byte', [0xf0, 0x9f, 0x98, 0x80], 4],
    ['4-byte missing one', [0x61, 0xf0, 0x9f, 0x98], 1],
  ])('%s', (_name, bytes, expected) => {
    expect(utf8Boundary(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe('OutputCapture with a tail window', () => {
  it('keeps the first and the last bytes and counts those dropped between', () => {
    const c = new OutputCapture(8, 4);
    for (const part of ['abc', 'defg', 'hijkl', 'mn']) c.push(Buffer.from(part));
    expect(c.text()).toBe('abcd');
    expect(c.tailText()).toBe('klmn');
    expect(c.omittedBytes).toBe(14 - 8);
    expect(c.truncated).toBe(true);
    expect(c.totalBytes).toBe(14);
  });

  it('returns the whole stream from text() when it fits, even across head and tail', () => {
    const c = new OutputCapture(8, 4);
    c.push(Buffer.from('abcdef'));
    c.push(Buffer.from('g€'.slice(0, 1)));
    expect(c.truncated).toBe(false);
    expect(c.text()).toBe('abcdefg');
    expect(c.tailText()).toBe('');
  });

  it('never splits a character at the head’s end or the tail’s start', () => {
    const c = new OutputCapture(6, 3);
    c.push(Buffer.from('ab€cdefgh€', 'utf8')); // a b E2 82 AC c d e f g h E2 82 AC
    expect(c.text()).toBe('ab'); // the head's 3rd byte starts '€': cut back
    expect(c.tailText()).toBe('€');
  });

  it('keeps a character split between head and tail when nothing was dropped', () => {
    const d = new OutputCapture(7, 3); // a b c d | E2 82 AC: the '€' lies in head and tail both
    d.push(Buffer.from('abcd€', 'utf8'));
    expect(d.truncated).toBe(false);
    expect(d.text()).toBe('abcd€');
  });

  it('holds at most the cap plus one chunk however much arrives', () => {
    const c = new OutputCapture(1024, 512);
    const chunk = Buffer.alloc(65_536, 'x');
    for (let i = 0; i < 200; i++) c.push(chunk);
    expect(c.text().length).toBe(512);
    expect(c.tailText().length).toBe(512);
    expect(c.omittedBytes).toBe(200 * 65_536 - 1024);
  });
});
