// `fixbench report <run> --created-after <date> [--tasks <dir>]`: a report of only the run's tasks
// created after the date, saying so; a bad date or an empty window is exit 2 naming the flag.
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

// bundled tasks: js-duration-1 created 2025-01-21, js-ini-1 created 2025-06-23
const OLD = 'js-duration-1';
const NEW = 'js-ini-1';
let tmp: string;
const out = () => ['--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports')];
const report = (...args: string[]) => runCli(['report', 'window', ...out(), ...args]);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-report-created-'));
  const r = await runCli(['run', '--task', `${OLD},${NEW}`, '--no-models', '--sandbox', 'local', '--no-env-cache', '--run-id', 'window', ...out()]);
  expect(r.exitCode, r.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench report --created-after', () => {
  it('builds the report from the later task only and states the filter', async () => {
    const r = await report('--created-after', '2025-03-31');
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = path.join(tmp, 'reports', 'window-created-after-2025-03-31');
    expect(r.stdout).toContain(`report: ${path.join(dir, 'index.html')} (tasks created after 2025-03-31: 1 of 2)`);
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    expect(html).toMatch(/id="created-after">Restricted: tasks created after 2025-03-31: 1 of 2\./);
    expect(html).toContain(NEW);
    expect(html).not.toContain(OLD);
    // the full report is untouched and names both tasks
    const full = await readFile(path.join(tmp, 'reports', 'window', 'index.html'), 'utf8');
    expect(full).toContain(OLD);
    expect(full).not.toContain('id="created-after"');
  });
  it('reads created_at from --tasks: a folder without the run\'s tasks is refused', async () => {
    const r = await report('--created-after', '2025-03-31', '--tasks', tmp);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--created-after 2025-03-31: none of the run's 2 task\(s\) is in .*pass --tasks/);
  });
  it('refuses a bad date and an empty window with exit 2, naming the flag', async () => {
    const bad = await report('--created-after', 'last-june');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--created-after last-june: give an ISO date/);
    const empty = await report('--created-after', '2030-01-01');
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/--created-after 2030-01-01: no task was created after that date \(2 task\(s\)\)/);
    const site = await runCli(['report', '--site', ...out(), '--created-after', '2025-03-31']);
    expect(site.exitCode).toBe(2);
    expect(site.stderr).toMatch(/--created-after restricts one run, not a site/);
  });
});
