// task.yaml `browser:` (DESIGN.md §2): a headless browser the sandbox provides to a task's setup
// and test commands (karma, puppeteer, …). Kept apart from the other fields of task.yaml
// (src/config/task.ts spreads it in) so the concern has one owner; provided by
// src/workspace/browser.ts.
import { z } from 'zod';

/** Flags every run of the browser gets: headless (no display in the sandbox), Chromium's own sandbox off (bwrap isolates it), no GPU, no background traffic. */
export const DEFAULT_BROWSER_FLAGS: readonly string[] = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

const Flag = z.string().regex(/^--[A-Za-z0-9][A-Za-z0-9-]*(=[^\n\r\0]*)?$/, 'must be one command-line flag such as "--window-size=1280,1024" (starts with "--", no line breaks)');

/**
 * `browser: chromium`, or `browser: { name: chromium, flags: [...] }` whose flags are added after
 * `DEFAULT_BROWSER_FLAGS`. The host's Chromium (`/usr/bin/chromium`, or `FIXBENCH_CHROMIUM`) runs
 * through a launcher script that adds the flags; `CHROME_BIN` (karma-chrome-launcher),
 * `CHROMIUM_BIN` and `PUPPETEER_EXECUTABLE_PATH` name it.
 */
export const TaskBrowser = z.union(
  [z.literal('chromium'), z.object({ name: z.literal('chromium'), flags: z.array(Flag).default([]) }).strict()],
  { error: 'must be "chromium" or { name: chromium, flags: ["--flag", …] } (the only browser fixbench provides)' },
);
export type TaskBrowser = z.infer<typeof TaskBrowser>;

export const BrowserTaskFields = { browser: TaskBrowser.optional() };

/** Every flag the browser of `browser` runs with: the defaults, then the task's own. */
export function browserFlags(browser: TaskBrowser): string[] {
  return [...DEFAULT_BROWSER_FLAGS, ...(typeof browser === 'string' ? [] : browser.flags)];
}
