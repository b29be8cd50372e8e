// The deploy stage's render step: what it takes (the compiled brief, the built image, the deploy config) and the
// Kubernetes objects and kustomize files it returns.
import type { BuildResult } from '../../../schemas/build-result.js';
import type { DeployConfig } from '../../../schemas/config.js';
import type { IR } from '../../../schemas/ir.js';
import type { KubeObject } from '../apply/types.js';

/** How a preview environment differs from the service's own deployment. */
export interface PreviewOverrides {
  /** Namespace of the preview, e.g. `payments-pr-42`. */
  namespace: string;
  /** Public host of the preview, e.g. `payments-pr-42.preview.example.com`. */
  host: string;
  /** Extra labels on every object (owner, branch, commit, expiry): valid label values, set by the preview command. */
  labels: Record<string, string>;
  /** Extra annotations on every object. */
  annotations: Record<string, string>;
  /**
   * `throwaway` adds a PostgreSQL Deployment in the preview namespace whose credentials and the app's DATABASE_URL
   * come from the Secret `<name>-preview-db` the preview command creates; `shared` reads DATABASE_URL from
   * `<name>-secrets` like the real deployment.
   */
  database: 'throwaway' | 'shared';
}

export interface RenderInput {
  /** The compiled brief. */
  ir: IR;
  /** The build stage's result; without it the image is `qlf/<name>:latest` and a warning says so. */
  build?: BuildResult;
  config: DeployConfig;
  qlfVersion: string;
  preview?: PreviewOverrides;
}

/** A rendered object: the shape the apply engine sends (one type, so whatever render makes, apply takes). */
export type RenderedObject = KubeObject;

/** A Secret the objects read but qlf never renders: whoever deploys creates it, holding these keys. */
export interface SecretContract {
  name: string;
  keys: string[];
}

export interface RenderResult {
  /**
   * In apply order: Namespace, ServiceAccount, ConfigMap, NetworkPolicies, (preview PostgreSQL), migration Job,
   * Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler, Ingress.
   */
  objects: RenderedObject[];
  /** Deterministic YAML relative to the deploy folder: `kustomization.yaml` and `base/…`. */
  files: { path: string; content: string }[];
  /** Things that work but deserve a look, each saying what to change. */
  warnings: string[];
  /** The Secrets the objects reference by name and key; never rendered, so no value ever lands in a file. */
  secrets: SecretContract[];
}
