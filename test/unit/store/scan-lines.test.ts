// readLines (src/store/scan-lines.ts), the line splitter under every attempts.jsonl scan: it reads
// into one block again and again, moving a cut line to the block's start and growing the block for a
// line longer than it. Checked against a plain split of the same text: every non-blank line, its
// number, offset and length, and only an unterminated final line flagged as the torn candidate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readLines, type LineAt } from '../../../src/store/scan-lines.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-scan-lines-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Seen = { text: string; at: LineAt; last: boolean };

/** What readLines reports for `text` written to a file, from byte `start` to `end`. */
async function read(text: string, start = 0, end: number | null = null, before = 0): Promise<{ seen: Seen[]; line: number; lastNonEmpty: number }> {
  const file = path.join(root, `f-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  const fh = await open(file, 'r');
  try {
    const seen: Seen[] = [];
    // the text is copied out during the call: the buffer is valid only then
    const r = await readLines(fh, start, end, before, (b, s, e, at, last) => void seen.push({ text: b.toString('utf8', s, e), at, last }));
    return { seen, ...r };
  } finally {
    await fh.close();
  }
}

/** The same from a plain split of the whole text (bytes, as the file holds them). */
function expected(text: string, start = 0, end: number | null = null, before = 0): { seen: Seen[]; line: number; lastNonEmpty: number } {
  const bytes = Buffer.from(text).subarray(start, end ?? undefined);
  const seen: Seen[] = [];
  let line = before;
  let lastNonEmpty = 0;
  let offset = start;
  const parts = bytes.toString('latin1').split('\n');
  parts.forEach((p, i) => {
    const final = i === parts.length - 1;
    if (final && p === '') return; // nothing after the last newline
    line++;
    if (/[^ \t\r]/.test(p)) {
      lastNonEmpty = line;
      seen.push({ text: Buffer.from(p, 'latin1').toString('utf8'), at: { line, offset, bytes: p.length }, last: final && end === null });
    } else if (final) line--; // an unterminated blank tail is not a line
    offset += p.length + 1;
  });
  return { seen, line, lastNonEmpty };
}

describe('readLines', () => {
  it('splits lines cut by the 1 MiB block at every place, with multi-byte text, blank lines and a torn tail', async () => {
    // ~2.6 MiB: lines of varied lengths so block ends fall inside lines, at newlines and inside a multi-byte character
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 2.6 * 2 ** 20; i++) {
      lines.push(i % 11 === 5 ? '  ' : `{"n":${i},"t":"${'ü☃x'.repeat((i * 37) % 900)}"}`);
      size += lines.at(-1)!.length + 1;
    }
    const text = lines.join('\n') + '\n{"torn":';
    const got = await read(text);
    const want = expected(text);
    expect(got.seen.length).toBe(want.seen.length);
    expect(got).toEqual(want);
    expect(got.seen.at(-1)!.last).toBe(true);
    expect(got.seen.filter((s) => s.last)).toHaveLength(1);
  });

  it('reads a line longer than the block whole (the block grows), between two short ones', async () => {
    const long = `{"patch":"${'a'.repeat(2.5 * 2 ** 20)}"}`;
    const text = `{"a":1}\n${long}\n{"b":2}\n`;
    const got = await read(text);
    expect(got).toEqual(expected(text));
    expect(got.seen.map((s) => s.text.length)).toEqual([7, long.length, 7]);
    expect(got.seen.every((s) => !s.last)).toBe(true);
  });

  it('reads a range (a worker half) from a line start to another, numbering after the lines before it', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(i % 1500)}"}`);
    const text = lines.join('\n') + '\n';
    const startLine = 700;
    const start = Buffer.byteLength(lines.slice(0, startLine).join('\n') + '\n');
    const end = Buffer.byteLength(lines.slice(0, 2500).join('\n') + '\n');
    const got = await read(text, start, end, startLine);
    expect(got).toEqual(expected(text, start, end, startLine));
    expect(got.seen[0]!.at.line).toBe(startLine + 1);
    expect(got.seen).toHaveLength(1800);
  });

  it('allocates one block for a file of many blocks, and one more only for a line longer than the block (counts, not timings)', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(1000)}"}`); // ~4 MiB: 4 blocks
    const spy = vi.spyOn(Buffer, 'allocUnsafe');
    try {
      const got = await read(lines.join('\n') + '\n');
      expect(got.seen).toHaveLength(4000);
      expect(spy.mock.calls.filter(([n]) => n >= 2 ** 20)).toHaveLength(1);
      spy.mockClear();
      await read(`{"a":1}\n{"long":"${'x'.repeat(1.5 * 2 ** 20)}"}\n{"b":2}\n`);
      expect(spy.mock.calls.filter(([n]) => n >= 2 ** 20).map(([n]) => n)).toEqual([2 ** 20, 2 ** 21]);
    } finally {
      spy.mockRestore();
    }
  });

  it('counts no line for an unterminated blank tail, and reads an empty file as no line', async () => {
    expect(await read('{"a":1}\n  ')).toEqual({ seen: [{ text: '{"a":1}', at: { line: 1, offset: 0, bytes: 7 }, last: false }], line: 1, lastNonEmpty: 1 });
    expect(await read('')).toEqual({ seen: [], line: 0, lastNonEmpty: 0 });
  });
});
