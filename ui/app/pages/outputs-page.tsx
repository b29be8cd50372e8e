// What one brief produced: the working copy's files, the verify report, what a regeneration would change, and the
// capsule. Each view has its own address (`#/outputs?brief=…&tab=…`).
import type { BriefsResponse } from '../../shared/api.js';
import { CapsuleView } from '../components/capsule-view.js';
import { FileBrowser } from '../components/file-browser.js';
import { RegenerationView } from '../components/regeneration-view.js';
import { VerifyView } from '../components/verify-view.js';
import { href, navigate } from '../router.js';
import { useFetch } from '../use-fetch.js';

const TABS = [
  { id: 'files', label: 'Files' },
  { id: 'verify', label: 'Verify report' },
  { id: 'regeneration', label: 'Regeneration' },
  { id: 'capsule', label: 'Capsule' },
] as const;

export function OutputsPage(props: { brief?: string; tab?: string; file?: string; line?: string }) {
  const briefs = useFetch<BriefsResponse>('/api/briefs');
  const names = (briefs.data?.briefs ?? []).flatMap((b) => (b.name ? [b.name] : []));
  const brief = props.brief ?? names[0];
  const tab = TABS.some((t) => t.id === props.tab) ? props.tab : 'files';
  return (
    <section aria-labelledby="outputs-title">
      <div class="bar">
        <h1 id="outputs-title">Outputs</h1>
        <label>
          Brief{' '}
          <select
            name="brief"
            value={brief}
            onChange={(e) => navigate('outputs', { brief: (e.target as HTMLSelectElement).value, tab })}
          >
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {brief ? (
        <>
          <nav class="tabs" aria-label="Output views">
            {TABS.map((t) => (
              <a
                key={t.id}
                href={href('outputs', { brief, tab: t.id })}
                aria-current={tab === t.id ? 'page' : undefined}
              >
                {t.label}
              </a>
            ))}
          </nav>
          <div class="tab-panel">
            {tab === 'files' ? (
              <FileBrowser
                brief={brief}
                file={props.file}
                line={props.line ? Number(props.line) : undefined}
                key={brief}
              />
            ) : null}
            {tab === 'verify' ? <VerifyView brief={brief} key={brief} /> : null}
            {tab === 'regeneration' ? <RegenerationView brief={brief} key={brief} /> : null}
            {tab === 'capsule' ? <CapsuleView brief={brief} key={brief} /> : null}
          </div>
        </>
      ) : (
        <p>No briefs in this workspace yet.</p>
      )}
    </section>
  );
}
