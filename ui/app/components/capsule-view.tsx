// The brief's capsule, read in place on the server: `capsule verify`'s checks, the manifest, the SBOM's components
// and the signed provenance (in-toto statement with its SLSA predicate).
import type { CapsuleResponse } from '../../shared/api.js';
import { formatBytes } from '../format.js';
import { useFetch } from '../use-fetch.js';

const MARKS = { ok: '✓', failed: '✗', skipped: '–' } as const;

type Json = Record<string, unknown>;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Json)[key] : undefined), value);
const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function Provenance({ provenance }: { provenance: NonNullable<CapsuleResponse['provenance']> }) {
  const statement = provenance.statement;
  const dependencies = (get(statement, 'predicate', 'buildDefinition', 'resolvedDependencies') ?? []) as Json[];
  const subject = ((get(statement, 'subject') ?? []) as Json[])[0];
  return (
    <section aria-labelledby="provenance-title" class="provenance">
      <h3 id="provenance-title">Provenance</h3>
      <dl class="facts">
        <dt>statement</dt>
        <dd>{text(get(statement, '_type'))}</dd>
        <dt>predicate</dt>
        <dd>{text(get(statement, 'predicateType'))}</dd>
        <dt>subject</dt>
        <dd>
          {text(get(subject, 'name'))} sha256:{text(get(subject, 'digest', 'sha256'))}
        </dd>
        <dt>build type</dt>
        <dd>{text(get(statement, 'predicate', 'buildDefinition', 'buildType'))}</dd>
        <dt>builder</dt>
        <dd>{text(get(statement, 'predicate', 'runDetails', 'builder', 'id'))}</dd>
        <dt>signatures</dt>
        <dd>
          {provenance.signatures.length === 0
            ? 'none: the capsule is unsigned'
            : provenance.signatures.map((s) => `key ${s.keyid.slice(0, 16)}…`).join(', ')}
        </dd>
      </dl>
      <table>
        <caption>Built from</caption>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">uri</th>
            <th scope="col">sha256</th>
          </tr>
        </thead>
        <tbody>
          {dependencies.map((dep) => (
            <tr key={text(dep.uri)}>
              <td>{text(dep.name)}</td>
              <td>{text(dep.uri)}</td>
              <td class="digest">{text(get(dep, 'digest', 'sha256'))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function CapsuleView({ brief }: { brief: string }) {
  const view = useFetch<CapsuleResponse>(`/api/outputs/${encodeURIComponent(brief)}/capsule`);
  if (view.error) return <p class="error">{view.error.message}</p>;
  if (!view.data) return <p class="muted">Reading the capsule…</p>;
  const capsule = view.data;
  if (!capsule.exists) return <p>No capsule yet: run the brief through its package stage.</p>;
  const manifest = capsule.manifest;
  return (
    <div class="capsule">
      <p>
        <code>{capsule.file}</code> · {formatBytes(capsule.size ?? 0)}
      </p>
      <section aria-labelledby="verify-title">
        <h3 id="verify-title">
          capsule verify:{' '}
          <span class={capsule.verification?.ok ? 'passed' : 'failed'}>
            {capsule.verification?.ok ? 'intact' : 'FAILED'}
          </span>
        </h3>
        <ul class="checks">
          {capsule.verification?.checks.map((check) => (
            <li key={check.name} class={`check-${check.status}`}>
              <span aria-hidden="true">{MARKS[check.status]}</span> <strong>{check.name}</strong>{' '}
              <span class="sr-only">{check.status}: </span>
              {check.detail}
            </li>
          ))}
        </ul>
        <p class="muted">
          {capsule.verification?.keyId
            ? `Signature checked with the workspace's signing key ${capsule.verification.keyId.slice(0, 16)}…`
            : 'No signing key configured here (package.signingKey or QLF_SIGNING_KEY): the signature is not checked.'}
        </p>
      </section>
      {manifest ? (
        <section aria-labelledby="manifest-title">
          <h3 id="manifest-title">Manifest</h3>
          <dl class="facts">
            <dt>name</dt>
            <dd>{text(manifest.name)}</dd>
            <dt>format</dt>
            <dd>
              {text(manifest.capsuleVersion)}, qlf {text(manifest.qlfVersion)}
            </dd>
            <dt>brief sha256</dt>
            <dd class="digest">{text(get(manifest, 'brief', 'sha256'))}</dd>
            <dt>IR sha256</dt>
            <dd class="digest">{text(get(manifest, 'ir', 'sha256'))}</dd>
            <dt>overlays</dt>
            <dd>{((manifest.overlays ?? []) as Json[]).map((o) => text(o.name)).join(', ') || 'none'}</dd>
            <dt>verify</dt>
            <dd>
              {get(manifest, 'stages', 'verify', 'status') === 'ran'
                ? get(manifest, 'stages', 'verify', 'passed')
                  ? 'passed'
                  : 'failed'
                : `absent (${text(get(manifest, 'stages', 'verify', 'reason'))})`}
            </dd>
            <dt>image</dt>
            <dd>
              {get(manifest, 'stages', 'build', 'status') === 'built'
                ? text(get(manifest, 'stages', 'build', 'image', 'tag'))
                : `${text(get(manifest, 'stages', 'build', 'status'))} (${text(get(manifest, 'stages', 'build', 'reason'))})`}
            </dd>
            <dt>signature</dt>
            <dd>
              {get(manifest, 'signature', 'signed')
                ? `${text(get(manifest, 'signature', 'algorithm'))}, key ${text(get(manifest, 'signature', 'keyId')).slice(0, 16)}…`
                : 'unsigned'}
            </dd>
          </dl>
        </section>
      ) : null}
      {capsule.provenance ? <Provenance provenance={capsule.provenance} /> : null}
      {capsule.components ? (
        <section aria-labelledby="sbom-title">
          <table>
            <caption id="sbom-title">SBOM components ({capsule.components.length}, CycloneDX)</caption>
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">version</th>
                <th scope="col">purl</th>
              </tr>
            </thead>
            <tbody>
              {capsule.components.map((component) => (
                <tr key={component.purl ?? component.name}>
                  <td>{component.name}</td>
                  <td>{component.version ?? ''}</td>
                  <td>{component.purl ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {capsule.files ? (
        <details>
          <summary>Files ({capsule.files.length})</summary>
          <ul class="capsule-files">
            {capsule.files.map((file) => (
              <li key={file.path}>
                <code>{file.mode}</code> {file.path} <span class="muted">{formatBytes(file.size)}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
