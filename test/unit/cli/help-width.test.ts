import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main.ts';

const every = (c: Command): Command[] => [c, ...c.commands.flatMap(every)];

describe('--help of every command', () => {
  it('wraps descriptions to the help width (80 columns off a terminal), long terms included', () => {
    const program = buildProgram({ code: 0 });
    const tasks = program.commands.find((c) => c.name() === 'tasks')!;
    const text = tasks.helpInformation();
    // a long subcommand term keeps its description on the lines below it, wrapped
    expect(text).toMatch(/\n {2}fetch \[options\] <suite-file> \[ids\.\.\.\] +Build the tasks|\n {2}fetch \[options\] <suite-file> \[ids\.\.\.\]\n {6}Build the tasks of a suite/);
    for (const c of every(program)) {
      // (a single word longer than the room left, e.g. A_VARIABLE/ANOTHER_ONE;, cannot be broken)
      const long = c.helpInformation().split('\n').filter((l) => l.length > 80 && l.trim().includes(' '));
      expect(long, `fixbench ${c.name()} --help`).toEqual([]);
    }
  });
});
