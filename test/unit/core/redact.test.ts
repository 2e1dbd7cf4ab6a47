import { describe, expect, it } from 'vitest';
import { REDACTED, StreamRedactor, secretRedactor } from '../../../src/core/redact.ts';

describe('secretRedactor', () => {
  it('replaces every occurrence of each secret, in plain and JSON-escaped form', () => {
    const redact = secretRedactor(['sk-or-v1-abcdef0123456789', 'key"with\\quote-0123']);
    const text = 'Bearer sk-or-v1-abcdef0123456789 and again sk-or-v1-abcdef0123456789; ' + JSON.stringify({ k: 'key"with\\quote-0123' });
    const out = redact(text);
    expect(out).not.toContain('sk-or-v1-abcdef0123456789');
    expect(out).not.toContain('key\\"with\\\\quote-0123');
    expect(out.split(REDACTED)).toHaveLength(4);
  });

  it('ignores secrets too short to redact safely, and changes nothing without secrets', () => {
    expect(secretRedactor(['abc'])('abc abc')).toBe('abc abc');
    expect(secretRedactor([])('anything')).toBe('anything');
  });
});

describe('StreamRedactor', () => {
  const KEY = 'sk-test-stream-key-0123456789';
  const whole = secretRedactor([KEY]);
  const text = `a ${KEY} b sk-test-str partial ${KEY}${KEY} end sk-test`;

  it('gives what secretRedactor gives the whole text, however the text is cut in two or in single characters', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      const r = new StreamRedactor([KEY]);
      expect(r.push(text.slice(0, cut)) + r.push(text.slice(cut)) + r.flush(), `cut at ${cut}`).toBe(whole(text));
    }
    const r = new StreamRedactor([KEY]);
    expect([...text].map((c) => r.push(c)).join('') + r.flush()).toBe(whole(text));
  });

  it('never passes on a piece of the key, and holds back no more than a possible start of it', () => {
    const r = new StreamRedactor([KEY]);
    const out = [r.push('x sk-test-'), r.push('stream-key'), r.push('-0123456789 y')];
    expect(out.join('')).toBe(`x ${REDACTED} y`);
    expect(out.join('')).not.toContain('stream');
    expect(r.push('plain text')).toBe('plain text');
    expect(r.held).toBe(0);
    expect(new StreamRedactor([]).push('sk-test-')).toBe('sk-test-');
  });
});
