// `fixbench run` started through npm in a CI job closes with fixbench's own exit code: npm does not
// pass a signal sent to its process alone on to fixbench and then exits 130 itself (newcomer17 #8).
import { describe, expect, it } from 'vitest';
import { npmExitLine } from '../../../src/cli/npm-exit.ts';

describe('npmExitLine', () => {
  it('under npx or npm start with stderr not a terminal: fixbench\'s own code, why npm\'s may differ, and the ways round it', () => {
    const line = npmExitLine(0, { npm_command: 'exec' }, false)!;
    expect(line).toMatch(/^fixbench: exit 0, fixbench's own; /);
    expect(line).toContain('npm does not pass a signal sent to its process alone on to fixbench, and then exits 130 however the run ended');
    expect(line).toContain("read run.json's status");
    expect(line).toContain('node_modules/.bin/fixbench');
    expect(npmExitLine(130, { npm_lifecycle_event: 'start' }, false)).toMatch(/^fixbench: exit 130,/);
  });
  it('says nothing on a terminal (Ctrl-C reaches the whole process group) or when npm did not start fixbench', () => {
    expect(npmExitLine(0, { npm_command: 'exec' }, true)).toBeNull();
    expect(npmExitLine(0, {}, false)).toBeNull();
    expect(npmExitLine(0, { npm_command: '' }, false)).toBeNull();
  });
});
