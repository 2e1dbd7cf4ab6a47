// Preload (NODE_OPTIONS=--require) for kill -9 tests: SIGKILLs this process at the moment settleLedger
// renames an attempt's live ledger to <key>.recorded.jsonl, i.e. right after its record was appended and
// fsynced (where a kill -9, an OOM kill or a power cut can land). Only when FIXBENCH_TEST_KILL_AT_SETTLE=1.
const fsp = require('node:fs/promises');
const rename = fsp.rename;
fsp.rename = async (from, to) => {
  if (process.env.FIXBENCH_TEST_KILL_AT_SETTLE === '1' && String(to).endsWith('.recorded.jsonl')) process.kill(process.pid, 'SIGKILL');
  return rename(from, to);
};
require('node:module').syncBuiltinESMExports();
