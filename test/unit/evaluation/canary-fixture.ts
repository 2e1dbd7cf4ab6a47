// A node:test file of three tests (two with expected literals) and its task's lists, shared by the canary tests.

/** test/p.test.js: `parse > parses hours`, `parse > parses minutes` (literals), `parse > rejects empty input` (none). */
export const PARSE_FILE = [
  "const { describe, it } = require('node:test');",
  "const assert = require('node:assert/strict');",
  "const { parse } = require('../src');",
  "describe('parse', () => {",
  "  it('parses hours', () => {",
  "    assert.equal(parse('1h'), 3600000);",
  "  });",
  "  it('parses minutes', () => {",
  "    assert.deepEqual(parse.all('2m'), [120000, 'ms']);",
  "  });",
  "  it('rejects empty input', () => assert.throws(() => parse('')));",
  "});",
  "",
].join('\n');

/** FAIL_TO_PASS `parses minutes`, PASS_TO_PASS `parses hours`, no test.patch. */
export const PARSE_TASK = { FAIL_TO_PASS: ['test/p.test.js > parse > parses minutes'], PASS_TO_PASS: ['test/p.test.js > parse > parses hours'], test_patch: '' };
