import { describe, expect, it } from 'vitest';
import { isSubmission, parseAction } from '../../../src/agents/bash-protocol.ts';
import { truncateOutput } from '../../../src/core/truncate.ts';
import type { ToolCall } from '../../../src/models/types.ts';

const tc = (name: string, args: string): ToolCall => ({ id: 'c1', type: 'function', function: { name, arguments: args } });
const reply = (content: string | null, tool_calls: ToolCall[] = [], finish_reason: string | null = 'stop') => ({ message: { content, tool_calls }, finish_reason });

describe('parseAction', () => {
  it('takes the command of one bash tool call', () => {
    expect(parseAction(reply(null, [tc('bash', '{"command":"ls -la"}')]), true)).toEqual({ ok: true, command: 'ls -la' });
  });
  it('takes the one fenced bash block of a text reply (either protocol)', () => {
    const r = reply('Let me look.\n\n```bash\ncat <<\'EOF\' > a.py\nprint(1)\nEOF\n```\n');
    expect(parseAction(r, false)).toEqual({ ok: true, command: "cat <<'EOF' > a.py\nprint(1)\nEOF" });
    expect(parseAction(r, true)).toEqual({ ok: true, command: "cat <<'EOF' > a.py\nprint(1)\nEOF" });
  });
  it.each([
    ['no command', reply('I will think.'), /no ```bash block/],
    ['two blocks', reply('```bash\nls\n```\nand\n```bash\npwd\n```'), /2 ```bash blocks/],
    ['a python block only', reply('```python\nprint(1)\n```'), /no ```bash block/],
    ['bad tool JSON', reply(null, [tc('bash', '{"command": "ls"')]), /not valid JSON/],
    ['no command field', reply(null, [tc('bash', '{"cmd": "ls"}')]), /no string field "command"/],
    ['empty command', reply(null, [tc('bash', '{"command": "  "}')]), /empty/],
    ['unknown tool', reply(null, [tc('python', '{}')]), /no tool named "python"/],
    ['two tool calls', reply(null, [tc('bash', '{"command":"ls"}'), tc('bash', '{"command":"pwd"}')]), /2 tool calls/],
    ['cut off by length', reply('```bash\nls\n```', [], 'length'), /finish_reason "length"/],
  ])('%s is a format error', (_name, r, message) => {
    const a = parseAction(r, false);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.error).toMatch(message);
  });
});

describe('truncateOutput', () => {
  it('keeps output that fits', () => {
    expect(truncateOutput('abc', 3)).toEqual({ truncated: false, text: 'abc' });
  });
  it('keeps the first and last halves and counts the elided middle', () => {
    expect(truncateOutput('0123456789', 4)).toEqual({ truncated: true, head: '01', tail: '89', elidedChars: 6, totalChars: 10 });
    expect(truncateOutput('0123456789', 5)).toEqual({ truncated: true, head: '01', tail: '789', elidedChars: 5, totalChars: 10 });
  });
  it('never splits a surrogate pair', () => {
    const t = truncateOutput('a😀b😀c', 4); // a \ud83d \ude00 b \ud83d \ude00 c
    expect(t.truncated).toBe(true);
    if (t.truncated) {
      expect(t.head).toBe('a');
      expect(t.tail).toBe('c');
      expect(t.head.length + t.tail.length + t.elidedChars).toBe(7);
    }
  });
});

describe('isSubmission', () => {
  it('is true when the first output line is the sentinel', () => {
    expect(isSubmission('FIXBENCH_SUBMIT\n')).toBe(true);
    expect(isSubmission('\n  FIXBENCH_SUBMIT  \ndiff --git …')).toBe(true);
    expect(isSubmission('done\nFIXBENCH_SUBMIT\n')).toBe(false);
    expect(isSubmission('FIXBENCH_SUBMITTED')).toBe(false);
    expect(isSubmission('')).toBe(false);
  });
});
