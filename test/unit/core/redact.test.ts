import { describe, expect, it } from 'vitest';
import { MIN_SECRET_CHARS, REDACTED, StreamRedactor, redactSecrets, secretRedactor } from '../../../src/core/redact.ts';

describe('secretRedactor', () => {
  it('replaces every occurrence of each secret, in plain and JSON-escaped form', () => {
    const redact = secretRedactor(['sk-or-v1-abcdef0123456789', 'key"with\\quote-0123']);
    const text = 'Bearer sk-or-v1-abcdef0123456789 and again sk-or-v1-abcdef0123456789; ' + JSON.stringify({ k: 'key"with\\quote-0123' });
    const out = redact(text);
    expect(out).not.toContain('sk-or-v1-abcdef0123456789');
    expect(out).not.toContain('key\\"with\\\\quote-0123');
    expect(out.split(REDACTED)).toHaveLength(4);
  });

  it('ignores secrets too short to redact safely (ids like "ollama" stay intact), and nulls', () => {
    expect(MIN_SECRET_CHARS).toBe(8);
    expect(secretRedactor(['abc', 'ollama', null])('ollama/llama3 abc')).toBe('ollama/llama3 abc');
    expect(secretRedactor([])('anything')).toBe('anything');
    expect(secretRedactor(['12345678'])('x12345678y')).toBe(`x${REDACTED}y`);
  });

  it('removes anything shaped like an sk- key, known or not (providers echo masked keys), and is idempotent', () => {
    expect(redactSecrets('bad key abc123XYZ789 given', ['abc123XYZ789'])).toBe(`bad key ${REDACTED} given`);
    const once = redactSecrets('Incorrect API key provided: sk-proj-abc*****wxyz.', [null]);
    expect(once).toBe(`Incorrect API key provided: sk-${REDACTED}`);
    expect(redactSecrets(once, [])).toBe(once);
    expect(redactSecrets('task-runner mask-abcdefgh sk-12345', [])).toBe('task-runner mask-abcdefgh sk-12345');
  });

  it('is the rule secretRedactor applies', () => {
    const text = 'k=sk-or-v1-abcdef0123456789 and sk-zzzzzzzz';
    expect(secretRedactor(['sk-or-v1-abcdef0123456789'])(text)).toBe(redactSecrets(text, ['sk-or-v1-abcdef0123456789']));
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
    const none = new StreamRedactor([]);
    expect(none.push('ab sk-test-') + none.flush()).toBe('ab sk-test-');
  });

  it('replaces a key-shaped token cut anywhere, and only when it is not inside a word', () => {
    const text = 'a sk-proj-abc*****wxyz. b xsk-proj-abcdefgh c -sk-abcdefghij sk-short (sk-live_0123456789)';
    const want = redactSecrets(text, []);
    expect(want).toBe(`a sk-${REDACTED} b xsk-proj-abcdefgh c -sk-${REDACTED} sk-short (sk-${REDACTED})`);
    for (let cut = 0; cut <= text.length; cut++) {
      const r = new StreamRedactor([]);
      expect(r.push(text.slice(0, cut)) + r.push(text.slice(cut)) + r.flush(), `cut at ${cut}`).toBe(want);
    }
    const r = new StreamRedactor([]);
    expect([...text].map((c) => r.push(c)).join('') + r.flush()).toBe(want);
  });

  it('bounds what it holds back: a key-shaped run over 64 Ki characters is replaced at once and the rest of the run dropped', () => {
    const r = new StreamRedactor(['KEYKEYKEY1']);
    const out = [r.push('go sk-'), r.push('a'.repeat(70_000)), r.push('b'.repeat(10)), r.push(' KEYKEYKEY1 end'), r.flush()].join('');
    expect(out).toBe(`go sk-${REDACTED} ${REDACTED} end`);
    expect(r.held).toBe(0);
  });
});
