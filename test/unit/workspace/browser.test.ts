// task.yaml `browser:` and the launcher the sandbox gives a task's commands: the schema, where
// Chromium is found, the launcher's flags (run for real against a stand-in program), the exec
// options, and lint's problem on a host without Chromium.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TaskBrowser } from '../../../src/config/task-browser.ts';
import { lintTaskFiles } from '../../../src/tasks/lint.ts';
import { chromiumProblem, findChromium, launcherText, taskBrowser } from '../../../src/workspace/browser.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-browser-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in for Chromium: prints its version, or each argument on a line. */
function fakeChromium(): string {
  const bin = path.join(tmp, 'fake chromium');
  writeFileSync(bin, '#!/bin/sh\nif [ "$1" = --version ]; then echo "Chromium 156.0.1 built here"; exit 0; fi\nfor a in "$@"; do echo "$a"; done\n');
  chmodSync(bin, 0o755);
  return bin;
}

describe('task.yaml browser', () => {
  it('takes chromium, or chromium with extra flags; anything else names the fix', () => {
    expect(TaskBrowser.parse('chromium')).toBe('chromium');
    expect(TaskBrowser.parse({ name: 'chromium', flags: ['--window-size=1280,1024'] })).toEqual({ name: 'chromium', flags: ['--window-size=1280,1024'] });
    expect(TaskBrowser.safeParse('firefox').error?.issues[0]?.message).toMatch(/must be "chromium"/);
    expect(TaskBrowser.safeParse({ name: 'chromium', flags: ['--x=$(id); rm -rf /'] }).success).toBe(true); // one argv word, quoted by the launcher
    expect(TaskBrowser.safeParse({ name: 'chromium', flags: ['--x; rm -rf /'] }).success).toBe(false);
    expect(TaskBrowser.safeParse({ name: 'chromium', flags: ['rm'] }).success).toBe(false);
    expect(TaskBrowser.safeParse({ name: 'chromium', flags: ['--a\n--b'] }).success).toBe(false);
  });
});

describe('the launcher', () => {
  it('runs Chromium with the default flags, then the task\'s, then the caller\'s arguments, each one word', async () => {
    const prev = process.env.FIXBENCH_CHROMIUM;
    process.env.FIXBENCH_CHROMIUM = fakeChromium();
    try {
      const r = await taskBrowser({ browser: { name: 'chromium', flags: ["--user-agent=it's me"] } }, path.join(tmp, 'cache'));
      expect(r).not.toBeNull();
      const launcher = r!.env.CHROME_BIN!;
      expect(r!.env).toMatchObject({ CHROMIUM_BIN: launcher, PUPPETEER_EXECUTABLE_PATH: launcher, PUPPETEER_SKIP_DOWNLOAD: 'true' });
      expect(r!.readOnly).toEqual([path.dirname(launcher)]);
      expect(launcher.startsWith(path.join(tmp, 'cache', 'browser'))).toBe(true);
      const args = execFileSync(launcher, ['--remote-debugging-port=9222', 'about:blank'], { encoding: 'utf8' }).trimEnd().split('\n');
      expect(args).toEqual(['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', "--user-agent=it's me", '--remote-debugging-port=9222', 'about:blank']);
      expect(r!.cacheKey).toBe("Chromium 156.0.1 built here --headless --no-sandbox --disable-gpu --disable-background-networking --user-agent=it's me");
      // Other flags: another launcher and another environment key.
      const plain = await taskBrowser({ browser: 'chromium' }, path.join(tmp, 'cache'));
      expect(plain!.env.CHROME_BIN).not.toBe(launcher);
      expect(plain!.cacheKey).not.toBe(r!.cacheKey);
      expect(await taskBrowser({}, path.join(tmp, 'cache'))).toBeNull();
    } finally {
      if (prev === undefined) delete process.env.FIXBENCH_CHROMIUM;
      else process.env.FIXBENCH_CHROMIUM = prev;
    }
  });

  it('quotes every word of the program and flags', () => {
    expect(launcherText("/opt/my chrome/it's", ['--a=b c'])).toContain(`exec '/opt/my chrome/it'\\''s' '--a=b c' "$@"`);
  });

  it('a host without Chromium: none found, the problem names the fix, and lint says it on the browser field', async () => {
    const env = { FIXBENCH_CHROMIUM: path.join(tmp, 'no-such-chromium') };
    expect(findChromium(env)).toBeNull();
    expect(chromiumProblem(env)).toMatch(/FIXBENCH_CHROMIUM=.*no-such-chromium is not an executable file/);
    const dir = path.join(tmp, 'web-1');
    mkdirSync(dir);
    const diff = (f: string) => `diff --git a/${f} b/${f}\n--- a/${f}\n+++ b/${f}\n@@ -1 +1 @@\n-a\n+b\n`;
    writeFileSync(path.join(dir, 'task.yaml'), ['instance_id: web-1', 'repo: r', `base_commit: ${'a'.repeat(40)}`, 'test_cmd: npx karma start --single-run', 'test_report: karma', 'FAIL_TO_PASS: [Widgets pads a cell]', 'browser: chromium', ''].join('\n'));
    writeFileSync(path.join(dir, 'problem_statement.md'), 'Cells are not padded.\n');
    writeFileSync(path.join(dir, 'gold.patch'), diff('src/a.js'));
    writeFileSync(path.join(dir, 'test.patch'), diff('test/a.spec.js'));
    const prev = process.env.FIXBENCH_CHROMIUM;
    process.env.FIXBENCH_CHROMIUM = env.FIXBENCH_CHROMIUM;
    try {
      const { problems } = await lintTaskFiles(dir);
      expect(problems.map((p) => `${p.field}|${p.message}`)).toEqual([expect.stringMatching(/^browser\|FIXBENCH_CHROMIUM=.* is not an executable file/)]);
      await expect(taskBrowser({ browser: 'chromium' }, path.join(tmp, 'cache'))).rejects.toThrow(/browser: chromium: FIXBENCH_CHROMIUM=/);
    } finally {
      if (prev === undefined) delete process.env.FIXBENCH_CHROMIUM;
      else process.env.FIXBENCH_CHROMIUM = prev;
    }
    delete process.env.FIXBENCH_CHROMIUM;
    const { problems } = await lintTaskFiles(dir);
    expect(problems.filter((p) => p.field === 'browser').length).toBe(findChromium() ? 0 : 1);
    if (prev !== undefined) process.env.FIXBENCH_CHROMIUM = prev;
  });
});
