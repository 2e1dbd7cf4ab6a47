import { describe, expect, it } from 'vitest';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

const entries = (xml: string): Record<string, string> => Object.fromEntries(parseJunit(xml));

/** As written by `node --test --test-reporter=junit` (Node 20), trimmed. */
const NODE_XML = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testsuite name="outer" time="0.008" disabled="0" errors="0" tests="3" failures="1" skipped="2" hostname="vm">
		<testsuite name="inner" time="0.004" disabled="0" errors="0" tests="2" failures="1" skipped="0" hostname="vm">
			<testcase name="works" time="0.001" classname="test"/>
			<testcase name="fails" time="0.001" classname="test" failure="1 == 2">
				<failure type="testCodeFailure" message="1 == 2">
Error [ERR_TEST_FAILURE]: 1 == 2
    at TestContext.&lt;anonymous> (file:///tmp/a.test.mjs:6:55)
				</failure>
			</testcase>
		</testsuite>
		<testcase name="skipped one" time="0.0002" classname="test">
			<skipped type="skipped" message="true"/>
		</testcase>
		<testcase name="todo one" time="0.001" classname="test">
			<skipped type="todo" message="true"/>
		</testcase>
	</testsuite>
	<testcase name="top level" time="0.0001" classname="test"/>
	<testsuite name="parent" time="0.001" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="vm">
		<testcase name="child" time="0.0004" classname="test"/>
	</testsuite>
	<!-- tests 7 -->
</testsuites>
`;

/** As written by vitest's junit reporter: the file path is the suite name and the classname. */
const VITEST_XML = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0" time="0.01">
    <testsuite name="test/math.test.ts" timestamp="2024-01-01T00:00:00.000Z" hostname="h" tests="3" failures="1" errors="0" skipped="1" time="0.005">
        <testcase classname="test/math.test.ts" name="math &gt; adds" time="0.001">
        </testcase>
        <testcase classname="test/math.test.ts" name="math &gt; subtracts" time="0.002">
            <failure message="expected 1 to be 2" type="AssertionError">AssertionError: expected 1 to be 2</failure>
        </testcase>
        <testcase classname="test/math.test.ts" name="math &gt; later" time="0">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>
`;

describe('parseJunit', () => {
  it('reads node --test output: nested suite names, failure attribute and child, skipped and todo', () => {
    expect(entries(NODE_XML)).toEqual({
      'outer > inner > works': 'PASSED',
      'outer > inner > fails': 'FAILED',
      'outer > skipped one': 'SKIPPED',
      'outer > todo one': 'SKIPPED',
      'top level': 'PASSED',
      'parent > child': 'PASSED',
    });
  });

  it('reads vitest output: the file path appears once, as the first element', () => {
    expect(entries(VITEST_XML)).toEqual({
      'test/math.test.ts > math > adds': 'PASSED',
      'test/math.test.ts > math > subtracts': 'FAILED',
      'test/math.test.ts > math > later': 'SKIPPED',
    });
  });

  it.each([
    ['a path classname (has "/") not already first is prefixed', '<testsuites><testsuite name="math"><testcase classname="src/math.test.js" name="adds"/></testsuite></testsuites>', 'src/math.test.js > math > adds'],
    ['a classname ending in a file extension is prefixed', '<testsuites><testcase classname="math.test.ts" name="adds"/></testsuites>', 'math.test.ts > adds'],
    ['a dotted Java-style classname is not', '<testsuites><testsuite name="S"><testcase classname="com.acme.MathTest" name="adds"/></testsuite></testsuites>', 'S > adds'],
    ['node\'s classname "test" is not', '<testsuites><testcase classname="test" name="adds"/></testsuites>', 'adds'],
    ['a root <testsuite> (no <testsuites>) is part of the id', '<testsuite name="root"><testcase name="t"/></testsuite>', 'root > t'],
  ])('%s', (_what, xml, id) => {
    expect([...parseJunit(xml).keys()]).toEqual([id]);
  });

  it('maps an <error> child to ERROR', () => {
    expect(entries('<testsuites><testcase name="t"><error message="boom"/></testcase></testsuites>')).toEqual({ t: 'ERROR' });
  });

  it('strips ANSI codes from names, raw or as character references', () => {
    const xml = '<testsuites><testsuite name="\u001b[1msuite\u001b[22m"><testcase name="&#27;[31mred&#x1b;[39m &amp; &lt;tag&gt;"/></testsuite></testsuites>';
    expect(entries(xml)).toEqual({ 'suite > red & <tag>': 'PASSED' });
  });

  it('removes a duration a reporter appended to a suite or test name, keeping titles that only look alike', () => {
    const xml =
      '<testsuites><testsuite name="math [1.2s]"><testcase name="adds (12ms)"/><testcase name="subtracts 3ms"/>' +
      '<testcase name="times out after 5 (ms)"/><testcase name="retries 3s"/></testsuite></testsuites>';
    expect(entries(xml)).toEqual({
      'math > adds': 'PASSED',
      'math > subtracts': 'PASSED',
      'math > times out after 5 (ms)': 'PASSED',
      'math > retries 3s': 'PASSED',
    });
  });

  it('lets any failure win for a duplicated id', () => {
    const xml = '<testsuites><testcase name="d"/><testcase name="d"><failure/></testcase><testcase name="d"><skipped/></testcase></testsuites>';
    expect(entries(xml)).toEqual({ d: 'FAILED' });
  });

  it('returns no tests for an empty report', () => {
    expect(parseJunit('<?xml version="1.0"?><testsuites/>').size).toBe(0);
  });

  it('throws a ReportParseError naming the line for malformed XML', () => {
    const bad = '<testsuites>\n<testcase name="a">\n</testsuites>';
    expect(() => parseJunit(bad)).toThrow(ReportParseError);
    expect(() => parseJunit(bad)).toThrow(/not well-formed XML.*line 3/);
  });

  it('throws a ReportParseError for XML that is not a JUnit report', () => {
    expect(() => parseJunit('<html><body/></html>')).toThrow(/neither <testsuites> nor <testsuite>/);
  });
});
