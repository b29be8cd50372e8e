// The Secrets an object's pods read, found in the pod spec itself so the annotation and the file comment that tell
// an operator what to create cannot disagree with what the containers reference.
import type { RenderedObject, SecretContract } from './types.js';

interface EnvVar {
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  env?: EnvVar[];
}
interface PodTemplateSpec {
  template?: { spec?: { containers?: Container[]; initContainers?: Container[] } };
}

/** Secret names and keys the objects' pods read through `secretKeyRef`, names and keys sorted. */
export function secretReferences(...objects: RenderedObject[]): SecretContract[] {
  const keys = new Map<string, Set<string>>();
  for (const object of objects) {
    const pod = (object.spec as PodTemplateSpec | undefined)?.template?.spec;
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      for (const env of container.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) keys.set(ref.name, (keys.get(ref.name) ?? new Set()).add(ref.key));
      }
    }
  }
  return [...keys].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, set]) => ({ name, keys: [...set].sort() }));
}

/** `name: KEY, KEY; name: KEY`. */
export function describeSecrets(secrets: SecretContract[]): string {
  return secrets.map((secret) => `${secret.name}: ${secret.keys.join(', ')}`).join('; ');
}

/** The object with a `qlf.dev/secrets` annotation naming what its pods read, when they read any Secret. */
export function withSecretsAnnotation(object: RenderedObject): RenderedObject {
  const secrets = secretReferences(object);
  if (secrets.length === 0) return object;
  const annotations = { ...object.metadata.annotations, 'qlf.dev/secrets': describeSecrets(secrets) };
  return { ...object, metadata: { ...object.metadata, annotations } };
}
