// Per-command help: `--sandbox auto`'s fallback is said per command (only validating the bundled
// tasks falls back to local), `tasks create` shows a flow with the user's own --tasks folder, and
// `eval` says what a "gold" model_name_or_path becomes.
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main.ts';

const flat = (c: Command) => c.helpInformation().replace(/\s+/g, ' ');
const find = (parent: Command, name: string) => parent.commands.find((c) => c.name() === name)!;

describe('per-command help', () => {
  const program = buildProgram({ code: 0 });
  const tasks = find(program, 'tasks');
  it('--sandbox names the fallback of its own command', () => {
    expect(flat(find(tasks, 'validate'))).toContain('only validating the bundled tasks falls back to local');
    for (const c of [find(tasks, 'create'), find(tasks, 'mine'), find(tasks, 'fetch'), find(program, 'eval')]) {
      expect(flat(c), c.name()).not.toContain('only validating the bundled tasks');
      expect(flat(c), c.name()).toContain('auto never falls back to local');
    }
  });
  it('tasks create shows the flow with a --tasks folder of your own', () => {
    const help = (() => {
      let out = '';
      const c = find(tasks, 'create');
      c.configureOutput({ writeOut: (s) => (out += s) });
      c.outputHelp();
      return out;
    })();
    expect(help).toMatch(/tasks create --tasks my-tasks /);
    expect(help).toMatch(/tasks validate --tasks my-tasks mylib-1/);
  });
  it('eval says a "gold" model_name_or_path becomes gold-predictions', () => {
    expect(flat(find(program, 'eval'))).toContain('"gold-predictions"');
  });
});
