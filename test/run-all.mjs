#!/usr/bin/env node
// `npm test`: typecheck, lint, vitest (unit + integration), build, Playwright end-to-end.
// Every step runs even when an earlier one fails, so one run shows everything; the last
// line sums all suites as `N passed, N failed, N skipped` (typecheck and lint count as one check each).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];
let broken = false;

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = (Date.now() - started) / 1000;
  timings.push(`${label} ${seconds.toFixed(1)} s`);
  return r.status === 0;
}

function check(label, cmd, args) {
  const ok = run(label, cmd, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  if (!ok) broken = true;
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name);

// System parts the suites use (Chromium, sshd, sudo, validators, engines): installed when missing
// (as root or through sudo -n), or one line saying what to run; the suites that need them fail then.
check('system parts for the tests (scripts/install-test-deps.sh)', 'bash', [join(root, 'scripts', 'install-test-deps.sh')]);
check('typecheck', bin('tsc'), ['-p', 'tsconfig.json']);
check('lint', bin('eslint'), ['--max-warnings=0', '.']);

const vitestJson = join(results, 'vitest.json');
rmSync(vitestJson, { force: true });
const vitestOk = run('vitest (unit + integration)', bin('vitest'), ['run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
  // A suite that failed to load reports no tests: count it as a failure, never as nothing.
  const brokenFiles = (v.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  totals.failed += brokenFiles;
}
if (!vitestOk || !v) {
  broken = true;
  if (!v) totals.failed += 1;
}

const buildOk = run('build (electron-vite)', bin('electron-vite'), ['build']);
totals[buildOk ? 'passed' : 'failed'] += 1;
if (!buildOk) broken = true;

const pwJson = join(results, 'playwright.json');
rmSync(pwJson, { force: true });
if (buildOk) {
  const pwOk = run('playwright (end-to-end in Chromium)', bin('playwright'), ['test', '--config', 'test/playwright.config.ts', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  const p = readJson(pwJson);
  if (p?.stats) {
    totals.passed += p.stats.expected + p.stats.flaky;
    totals.failed += p.stats.unexpected;
    totals.skipped += p.stats.skipped;
  }
  if (!pwOk || !p) {
    broken = true;
    if (!p) totals.failed += 1;
  }
} else {
  process.stdout.write('playwright not run: the build failed.\n');
  totals.failed += 1;
}

process.stdout.write(`\nTimings: ${timings.join(', ')}\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(broken || totals.failed > 0 ? 1 : 0);
