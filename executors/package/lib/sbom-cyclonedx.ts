// CycloneDX 1.6 JSON SBOM of a generated service, built with the CycloneDX library. No timestamp, and a serial number
// derived from the content, so the same service always yields the same bytes.
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import { contentUuid } from './content-uuid.js';
import type { Dependency } from './dependencies.js';

export interface SbomSubject {
  /** Service name. */
  name: string;
  /** sha256 of the IR: identifies the service version in the absence of a release number. */
  irSha256: string;
  qlfVersion: string;
}

export const CYCLONEDX_SPEC_VERSION = '1.6';

function bomRefOf(dep: Dependency): string {
  return `${dep.purl}|${dep.source}`;
}

/** What identifies a component's content: its reference, plus the tested version when verify recorded one. */
function contentOf(dep: Dependency): string {
  return dep.testedVersion ? `${bomRefOf(dep)}|tested=${dep.testedVersion}` : bomRefOf(dep);
}

/** Serialises the SBOM as CycloneDX 1.6 JSON (sorted lists, two-space indent, trailing newline). */
export function cyclonedxSbom(subject: SbomSubject, deps: readonly Dependency[]): string {
  const root = new Models.Component(Enums.ComponentType.Application, subject.name, {
    bomRef: `qlf-service:${subject.name}`,
    version: `ir-sha256-${subject.irSha256.slice(0, 12)}`,
    properties: new Models.PropertyRepository([new Models.Property('qlf:ir:sha256', subject.irSha256)]),
  });
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${contentUuid(['cyclonedx', subject.name, subject.irSha256, ...deps.map(contentOf)])}`,
    metadata: new Models.Metadata({
      component: root,
      tools: new Models.Tools({
        components: new Models.ComponentRepository([
          new Models.Component(Enums.ComponentType.Application, 'qlf', { version: subject.qlfVersion }),
        ]),
      }),
    }),
  });
  for (const dep of deps) {
    const properties = [
      new Models.Property('qlf:requirement', dep.requirement),
      new Models.Property('qlf:declaredIn', dep.source),
    ];
    if (!dep.version) properties.push(new Models.Property('qlf:version:unpinned', 'true'));
    // The version the verify stage's tests imported: equal to `version` when the pin is what was tested.
    if (dep.testedVersion) properties.push(new Models.Property('qlf:tested-version', dep.testedVersion));
    const component = new Models.Component(Enums.ComponentType.Library, dep.name, {
      bomRef: bomRefOf(dep),
      version: dep.version,
      purl: dep.purl,
      scope: dep.scope === 'required' ? Enums.ComponentScope.Required : Enums.ComponentScope.Optional,
      properties: new Models.PropertyRepository(properties),
    });
    bom.components.add(component);
    root.dependencies.add(component.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}
