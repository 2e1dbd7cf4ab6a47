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
