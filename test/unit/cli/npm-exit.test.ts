import { describe, expect, it } from 'vitest';
import { npmExitLine } from '../../../src/cli/npm-exit.ts';

describe('npmExitLine', () => {
  it('`run` under npx or npm start with stderr not a terminal: one short line with fixbench\'s own code and where the README explains npm\'s', () => {
    const line = npmExitLine(['run', '--task', 'js-duration-1'], 0, { npm_command: 'exec' }, false)!;
    expect(line).toBe("fixbench: exit 0 (fixbench's own; npm may report 130 when it alone was signalled: README § The command, exit codes)");
    expect(line.length).toBeLessThan(120);
    expect(npmExitLine(['run', '--models', 'nonexistent'], 2, { npm_lifecycle_event: 'start' }, false)).toMatch(/^fixbench: exit 2 \(/);
    // `--dry-run` after `--` is an argument, not the option
    expect(npmExitLine(['run', '--', '--dry-run'], 0, { npm_command: 'exec' }, false)).toMatch(/^fixbench: exit 0 /);
  });
  it('says nothing for --dry-run, --help or another command', () => {
    const npm = { npm_command: 'exec' };
    expect(npmExitLine(['run', '--dry-run'], 0, npm, false)).toBeNull();
    expect(npmExitLine(['run', '--help'], 0, npm, false)).toBeNull();
    expect(npmExitLine(['report', 'r1'], 0, npm, false)).toBeNull();
    expect(npmExitLine([], 2, npm, false)).toBeNull();
  });
  it('says nothing on a terminal (Ctrl-C reaches the whole process group) or when npm did not start fixbench', () => {
    expect(npmExitLine(['run'], 0, { npm_command: 'exec' }, true)).toBeNull();
    expect(npmExitLine(['run'], 0, {}, false)).toBeNull();
    expect(npmExitLine(['run'], 0, { npm_command: '' }, false)).toBeNull();
  });
});
