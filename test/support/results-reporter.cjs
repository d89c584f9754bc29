// Mocha's spec reporter, plus the counts written as JSON for scripts/test.sh:
//   mocha --reporter ./test/support/results-reporter.cjs --reporter-option output=test-results/unit.json
// (or GRAPHSTEP_TEST_RESULTS=FILE). Same shape as test/integration/index.ts writes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class ResultsReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const output = (options.reporterOption ?? options.reporterOptions ?? {}).output ?? process.env.GRAPHSTEP_TEST_RESULTS;
    const failed = [];
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test) => failed.push(test.fullTitle()));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (!output) return;
      const { passes, failures, pending, tests } = this.stats;
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, JSON.stringify({ passes, failures, pending, tests, failed }, null, 2));
    });
  }
}

module.exports = ResultsReporter;
