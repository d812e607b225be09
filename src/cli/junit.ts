// The gate's verdicts as JUnit XML, which CI systems (GitHub Actions, GitLab, Jenkins) show as
// test results: a suite per protocol, a test case per check, a failure with its readable diff.

import type { ProtocolReport } from './commands/report.ts';

const escape = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // XML 1.0 has no escape for most control characters; drop them.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitXml(reports: readonly ProtocolReport[]): string {
  const suites = reports.map((r) => {
    const failures = r.checks.filter((c) => !c.ok).length;
    const time = r.checks.reduce((sum, c) => sum + c.seconds, 0);
    const cases = r.checks.map((c) => {
      const open = `    <testcase classname="consensus-lab.${escape(r.name)}" name="${escape(c.name)}" time="${c.seconds.toFixed(3)}">`;
      const body = c.ok
        ? `      <system-out>${escape(c.summary)}</system-out>`
        : `      <failure message="${escape(c.summary)}">${escape(c.details ?? c.summary)}</failure>`;
      return `${open}\n${body}\n    </testcase>`;
    });
    return `  <testsuite name="${escape(r.name)}" tests="${r.checks.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const tests = reports.reduce((n, r) => n + r.checks.length, 0);
  const failures = reports.reduce((n, r) => n + r.checks.filter((c) => !c.ok).length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="consensus-lab gate" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
