// Swapped canary pairs (canary-swap.ts): the grader exchanges a swapped pair's result ids before
// anything reads them, in every spelling a runner gives an id, and only in the pair's own file.
import { describe, expect, it } from 'vitest';
import { inHostFile, listedIdsNameFiles, namedIdsOf, swappableTitle, unswapResults, valueIsNew } from '../../../src/evaluation/canary-swap.ts';
import { record, testCount, type TestResults } from '../../../src/evaluation/parse/index.ts';

const swaps = [{ file: 'test/p.test.js', a: 'parse > parses minutes', b: 'parse > parses hours' }];

describe('unswapResults', () => {
  it('exchanges the pair\'s ids in the pair\'s file: the mutant\'s result goes under the copy\'s title, the original\'s under its own', () => {
    const raw: TestResults = new Map([
      ['test/p.test.js > parse > parses minutes', 'FAILED'], // the mutant ran under the original's title
      ['test/p.test.js > parse > parses hours', 'PASSED'], // the original ran under the copy's
      ['test/p.test.js > parse > reads days', 'PASSED'],
      ['test/q.test.js > parse > parses minutes', 'PASSED'], // another file's test of that name: not the pair's
    ]);
    expect([...unswapResults(swaps, raw, true)]).toEqual([
      ['test/p.test.js > parse > parses hours', 'FAILED'],
      ['test/p.test.js > parse > parses minutes', 'PASSED'],
      ['test/p.test.js > parse > reads days', 'PASSED'],
      ['test/q.test.js > parse > parses minutes', 'PASSED'],
    ]);
  });

  it('keeps how many tests were recorded under each id (a twin registered beside a swapped test stays two tests for the channels\' comparison)', () => {
    const raw: TestResults = new Map();
    record(raw, 'test/p.test.js > parse > parses minutes', 'PASSED');
    record(raw, 'test/p.test.js > parse > parses minutes', 'PASSED');
    record(raw, 'test/p.test.js > parse > reads days', 'PASSED');
    record(raw, 'test/p.test.js > parse > reads days', 'FAILED');
    record(raw, 'test/p.test.js > parse > parses hours', 'FAILED');
    const out = unswapResults(swaps, raw, true);
    expect(testCount(out, 'test/p.test.js > parse > parses hours')).toBe(2);
    expect(testCount(out, 'test/p.test.js > parse > reads days')).toBe(2);
    expect(testCount(out, 'test/p.test.js > parse > parses minutes')).toBe(1);
    expect(out.get('test/p.test.js > parse > reads days')).toBe('FAILED');
  });

  it('ids without a file part, a child test\'s parts, pytest parameter ids and a duplicate suffix move with the tail', () => {
    const raw: TestResults = new Map([
      ['parse > parses minutes', 'FAILED'],
      ['parse > parses minutes > sub', 'FAILED'],
      ['parse > parses hours[1-2]', 'PASSED'],
      ['parse > parses hours #2', 'PASSED'],
      ['parse > parses minutes extra', 'PASSED'], // another title that begins like it
      ['other > parse > parses minutesx', 'PASSED'],
      ['other > parse > parses minutes', 'PASSED'], // the tail after another suite: another test
    ]);
    expect([...unswapResults(swaps, raw, false).keys()]).toEqual([
      'parse > parses hours',
      'parse > parses hours > sub',
      'parse > parses minutes[1-2]',
      'parse > parses minutes #2',
      'parse > parses minutes extra',
      'other > parse > parses minutesx',
      'other > parse > parses minutes',
    ]);
  });

  it('is a bijection: a title reported twice stays twice, and undoing it twice gives the run back', () => {
    const raw: TestResults = new Map([
      ['tests/test_a.py > test_adds_pairs', 'PASSED'],
      ['tests/test_a.py > TestX > test_adds_pairs', 'FAILED'],
      ['tests/test_a.py > test_adds_values', 'FAILED'],
    ]);
    const py = [{ file: 'tests/test_a.py', a: 'test_adds_pairs', b: 'test_adds_values' }];
    const once = unswapResults(py, raw, true);
    // a method of the same name in a class is another test (its id's tail is `TestX > test_adds_pairs`)
    expect([...once]).toEqual([
      ['tests/test_a.py > test_adds_values', 'PASSED'],
      ['tests/test_a.py > TestX > test_adds_pairs', 'FAILED'],
      ['tests/test_a.py > test_adds_pairs', 'FAILED'],
    ]);
    const inClass = unswapResults([{ file: 'tests/test_a.py', a: 'TestX > test_adds_pairs', b: 'TestX > test_adds_values' }], raw, true);
    expect([...inClass.keys()]).toEqual(['tests/test_a.py > test_adds_pairs', 'tests/test_a.py > TestX > test_adds_values', 'tests/test_a.py > test_adds_values']);
    expect(once.size).toBe(raw.size);
    expect([...unswapResults(py, once, true)]).toEqual([...raw]);
    expect(unswapResults([], raw, true)).toBe(raw);
  });

  it('whether ids begin with their file is read from the task\'s listed ids, never from the results or from how a suite title looks (atkH13 #3, atkI13 #1)', () => {
    expect(listedIdsNameFiles(['test/p.test.js > parse > parses minutes'], ['test/p.test.js'])).toBe(true);
    expect(listedIdsNameFiles(['tests/test_a.py::test_add'], ['tests/test_a.py'])).toBe(true);
    expect(listedIdsNameFiles(['parse > parses minutes', 'GET /add > works'], ['test/p.test.js'])).toBe(false);
    // a task that lists no ids yet (tasks create finding them from the fix's run): the run's own ids decide
    const noList = { namedIds: null, texts: new Map([['test/p.test.js', '']]) };
    expect(namedIdsOf(noList, new Map([['test/p.test.js > adds', 'PASSED']]))).toBe(true);
    expect(namedIdsOf(noList, new Map([['adds', 'PASSED']]))).toBe(false);
    expect(namedIdsOf({ ...noList, namedIds: false }, new Map([['test/p.test.js > adds', 'PASSED']]))).toBe(false);
    // a runner rooted in a package folder lists ids relative to it (atkJ13 #4)
    expect(listedIdsNameFiles(['test/add.test.js > add > adds'], ['packages/foo/test/add.test.js'])).toBe(true);
    // …but a suite titled like the file's bare name is a suite (atkK13 #1: node:test ids then read as naming files)
    expect(listedIdsNameFiles(['add.test.js > adds two numbers', 'add from ESM > adds'], ['test/add.test.js', 'test/add-esm.test.mjs'])).toBe(false);
    expect(listedIdsNameFiles(['add.test.js > adds'], ['add.test.js'])).toBe(true);
    expect(inHostFile('add.test.js > adds', 'test/add.test.js', true)).toBe(false);
    // listed in another form (mocha full titles) while the runner's ids begin with the file: the swap is still undone there (atkJ13 #1)
    expect([...unswapResults(swaps, new Map([['test/p.test.js > parse > parses minutes', 'FAILED']]), false).keys()]).toEqual(['test/p.test.js > parse > parses hours']);
    // ids without a file part: every id may be the host's, a suite titled like a path included
    for (const id of ['parse > x', 'GET /add > x', 'utils.js > x', 'test/q.test.js > parse > x']) expect(inHostFile(id, 'test/p.test.js', false), id).toBe(true);
    // ids with one: only the host's own file, in any spelling of it
    expect(inHostFile('test/p.test.js > parse > x', 'test/p.test.js', true)).toBe(true);
    expect(inHostFile('packages/a/test/p.test.js > parse > x', 'test/p.test.js', true)).toBe(true);
    expect(inHostFile('test/q.test.js > parse > x', 'test/p.test.js', true)).toBe(false);
    expect(inHostFile('parse > x', 'test/p.test.js', true)).toBe(false);
    // a suite registered under the host file's name in a run whose ids carry none is swapped like the runner's own (its twins count beside them); another suite's is not
    const raw: TestResults = new Map([['parse > parses minutes', 'FAILED'], ['test/p.test.js > parse > parses minutes', 'PASSED'], ['GET /add > parse > parses minutes', 'PASSED']]);
    expect([...unswapResults(swaps, raw, false).keys()]).toEqual(['parse > parses hours', 'test/p.test.js > parse > parses hours', 'GET /add > parse > parses minutes']);
    // with file parts, another file's test of the same tail is not swapped
    const named: TestResults = new Map([['test/p.test.js > parse > parses minutes', 'FAILED'], ['src/q.js > parse > parses minutes', 'PASSED'], ['p.test.js > parse > parses hours', 'PASSED']]);
    // (a bare `p.test.js` is not the host's spelling: a suite may be titled so)
    expect([...unswapResults(swaps, named, true).keys()]).toEqual(['test/p.test.js > parse > parses hours', 'src/q.js > parse > parses minutes', 'p.test.js > parse > parses hours']);
  });

  it('titles a report may escape or a parser may read as structure are never swapped', () => {
    for (const t of ['parses minutes', 'test_adds_pairs', 'rejects 0 values', 'keeps a-b values']) expect(swappableTitle(t), t).toBe(true);
    for (const t of ['', ' lead', 'trail ', 'a "q"', "it's", 'a\\b', 'a & b', 'a #2', 'a[1]', 'a > b', 'a <b>', 'a\nb', 'a `b`']) expect(swappableTitle(t), t).toBe(false);
  });

  it('a value hides a known test only when a patch could not read it before the run: a new line, and not a value the replaced line held', () => {
    const before = { lines: new Set(["assert.equal(parse('1h'), 3600000);", "assert.deepEqual(parse.all('2m'), [120000]);"]), removed: "    assert.deepEqual(parse.all('2m'), [120000]);" };
    expect(valueIsNew("    assert.deepEqual(parse.all('2m'), [120000, 'ms']);", "'ms'", before)).toBe(true);
    expect(valueIsNew("    assert.deepEqual(parse.all('2m'), [120000, 'ms']);", '120000', before)).toBe(false);
    // a line copied from elsewhere in the files before test.patch
    expect(valueIsNew("  assert.equal(parse('1h'), 3600000);", '3600000', before)).toBe(false);
    // a value the problem statement gives (atkH13 LOW): the original is the twin expecting it
    expect(valueIsNew("    assert.equal(parse('2m'), 120000);", '120000', { ...before, removed: '', statement: 'parse("2m") should be 120000 ms' })).toBe(false);
    expect(valueIsNew("    assert.equal(fmt(2), '2 minutes');", "'2 minutes'", { ...before, removed: '', statement: 'fmt(2) gives "2 minute", not 2 minutes' })).toBe(false);
    expect(valueIsNew("    assert.equal(fmt(2), '2 minutes');", "'2 minutes'", { ...before, removed: '', statement: 'fmt(2) is wrong' })).toBe(true);
  });
});
