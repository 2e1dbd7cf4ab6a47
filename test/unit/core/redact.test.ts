import { describe, expect, it } from 'vitest';
import { REDACTED, secretRedactor } from '../../../src/core/redact.ts';

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
