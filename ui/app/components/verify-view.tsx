// The verify report the last run published: the verdict, each check (skipped ones with their reason), and every
// finding with its file and line (a link into the file viewer).
import type { VerifyReportView } from '../../shared/api.js';
import { href } from '../router.js';
import { useFetch } from '../use-fetch.js';

export function VerifyView({ brief }: { brief: string }) {
  const view = useFetch<VerifyReportView>(`/api/outputs/${encodeURIComponent(brief)}/verify`);
  if (view.error) return <p class="error">{view.error.message}</p>;
  if (!view.data) return <p class="muted">Loading the verify report…</p>;
  const report = view.data.report;
  if (!report) return <p>No verify report yet: run the brief through its verify stage.</p>;
  return (
    <div class="verify">
      <p class={report.passed ? 'passed' : 'failed'}>
        <strong>{report.passed ? 'Passed' : 'Failed'}</strong>
        {report.strict ? ' (strict: a skipped check fails)' : ''}
      </p>
      <table>
        <caption>Checks</caption>
        <thead>
          <tr>
            <th scope="col">check</th>
            <th scope="col">database</th>
            <th scope="col">result</th>
            <th scope="col">reason</th>
          </tr>
        </thead>
        <tbody>
          {report.runners.map((runner) => (
            <tr key={`${runner.runner}:${runner.database ?? ''}`}>
              <td>{runner.runner}</td>
              <td>{runner.database ?? ''}</td>
              <td>
                <span class={`status status-${runner.status === 'passed' ? 'success' : runner.status}`}>
                  {runner.status}
                </span>
              </td>
              <td>{runner.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Findings ({report.findings.length})</caption>
        <thead>
          <tr>
            <th scope="col">severity</th>
            <th scope="col">check / rule</th>
            <th scope="col">where</th>
            <th scope="col">message</th>
          </tr>
        </thead>
        <tbody>
          {report.findings.map((finding, index) => (
            <tr key={index} class={finding.severity}>
              <td>{finding.severity}</td>
              <td>
                {finding.runner}
                {finding.database ? `[${finding.database}]` : ''}/{finding.rule}
              </td>
              <td>
                {finding.file ? (
                  <a
                    href={href('outputs', {
                      brief,
                      tab: 'files',
                      file: finding.file,
                      ...(finding.line ? { line: String(finding.line) } : {}),
                    })}
                  >
                    {finding.file}
                    {finding.line ? `:${finding.line}` : ''}
                  </a>
                ) : null}
              </td>
              <td>{finding.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
