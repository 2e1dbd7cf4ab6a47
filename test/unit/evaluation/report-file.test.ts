// Reading report files after untrusted code ran in the workspace: never through a symlink (the
// file or a folder), never a FIFO or other non-file (which could block the host), never past the cap.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noLinkPath, readReportFile, readSmallFile } from '../../../src/evaluation/report-file.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-report-file-'));
const ws = join(root, 'ws');
const outside = join(root, 'outside');
mkdirSync(ws);
mkdirSync(outside);
writeFileSync(join(outside, 'report.xml'), '<testsuites/>');
writeFileSync(join(ws, 'report.xml'), '<testsuites>ok</testsuites>');
symlinkSync(join(outside, 'report.xml'), join(ws, 'linked.xml'));
symlinkSync(outside, join(ws, 'out'));
execFileSync('mkfifo', [join(ws, 'fifo.xml')]);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readReportFile', () => {
  it('reads a regular file inside the workspace', async () => {
    expect(await readReportFile(ws, 'report.xml', 'JUnit', '1')).toBe('<testsuites>ok</testsuites>');
  });

  it('refuses a symlinked report, a report under a symlinked folder, and a FIFO (no verdict, never blocks)', async () => {
    await expect(readReportFile(ws, 'linked.xml', 'JUnit', '1')).rejects.toThrow(/JUnit report linked\.xml is a symlink/);
    await expect(readReportFile(ws, 'out/report.xml', 'JUnit', '1')).rejects.toThrow(/out is a symlink/);
    await expect(readReportFile(ws, 'fifo.xml', 'JUnit', '1')).rejects.toThrow(/not a regular file/);
  });

  it('names a missing report with the exit status, and refuses paths outside the workspace', async () => {
    await expect(readReportFile(ws, 'none.xml', 'JUnit', '137')).rejects.toThrow(/wrote no JUnit report at none\.xml \(exit code 137\)/);
    await expect(noLinkPath(ws, '../outside/report.xml')).rejects.toThrow(/must be relative and inside the repository/);
  });
});

describe('readSmallFile', () => {
  it('gives null for links, non-files and files over the cap', async () => {
    expect(await readSmallFile(ws, 'report.xml', 100)).toBe('<testsuites>ok</testsuites>');
    expect(await readSmallFile(ws, 'linked.xml', 100)).toBeNull();
    expect(await readSmallFile(ws, 'fifo.xml', 100)).toBeNull();
    expect(await readSmallFile(ws, 'report.xml', 5)).toBeNull();
  });
});
