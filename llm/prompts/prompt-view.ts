// The data every prompt template sees as `it`: the IR boiled down to what a model needs, the overlays' fragments for
// the agent, which conditional sections apply, and the agent's own inputs (`vars`).
import { workError } from '../../core/errors.js';
import { type ComplianceName, complianceName, fieldType, relationshipKind } from '../../schemas/common.js';
import type { IR } from '../../schemas/ir.js';
import type { PromptAgent } from '../../schemas/llm.js';
import { beginLine, DONE_LINE, END_LINE, MARKER_PREFIX } from '../soc/markers.js';
import { type EntityView, entityViews, type RelationshipView, relationshipViews } from './entity-view.js';

/** One piece of domain logic the `domain` agent writes as an extension module. */
export interface DomainTask {
  /** What asked for it, e.g. the feature `fraud-detection`. */
  id: string;
  /** Python module name: the code goes to `app/domain/<module>.py`. */
  module: string;
  /** What the module must do, in a sentence. */
  ask: string;
  /** The description's words the task was read from, when it came from the text. */
  evidence?: string;
}

/** Inputs beyond the IR, by agent. */
export interface PromptVars {
  /** compile: the description to read. @default the IR's description */
  description?: string;
  /** compile: the JSON Schema the answer must match, as pretty JSON (an object is printed with two-space indent). */
  factsSchema?: string | object;
  /** domain: the modules to write. */
  tasks?: DomainTask[];
  /** Paths the model may write. @default for domain, each task's module and test file */
  allowed?: string[];
}

/** Traffic at or above either number brings in the scale section. */
export const HIGH_TRAFFIC = Object.freeze({ requestsPerSecond: 100, users: 10_000 });

const CREDENTIALS: Record<string, string> = {
  jwt: 'a JWT bearer token',
  'api-key': 'an API key',
  oauth2: 'an OAuth 2 access token',
};

export interface PromptView {
  agent: PromptAgent;
  service: {
    name: string;
    description: string;
    /** The description with a final newline, for a block closed by a marker on its own line. */
    descriptionBlock: string;
    domain: string;
    backend: string;
    language: string;
    database: string;
    basePath: string;
    auth: string;
    pagination: string;
    features: string[];
    /** Applied overlays, in application order. */
    overlays: string[];
  };
  entities: EntityView[];
  relationships: RelationshipView[];
  /** Endpoints beyond CRUD that overlays added. */
  endpoints: { method: string; path: string; description: string }[];
  /** Classified fields as `Entity.field`, by classification (`pan`, `phi`, `pii`, `secret`, `financial`). */
  classified: Record<string, string[]>;
  sections: {
    /** Present when callers authenticate. */
    auth?: { mode: string; credential: string };
    /** Regimes that apply, sorted. */
    compliance: ComplianceName[];
    /** Present for high traffic (see HIGH_TRAFFIC). */
    scale?: { requestsPerSecond?: number; users?: number; replicas: number };
  };
  /** The overlays' prompt fragments for this agent, each under a heading. */
  overlayNotes: { heading: string; text: string }[];
  tasks: (DomainTask & { modulePath: string; testPath: string })[];
  allowed: string[];
  factsSchema: string;
  /** The file-block markers, spelled by the parser's own constants so the prompt cannot drift from it. */
  soc: { begin: (path: string) => string; end: string; done: string; prefix: string };
  /** The words the compile agent may use. */
  vocabulary: { fieldTypes: string[]; relationshipKinds: string[]; complianceNames: string[] };
}

/** Which overlay fragments an agent reads, and under which heading. The domain agent's code is backend code too. */
const NOTE_SOURCES: Record<PromptAgent, { key: string; heading: string }[]> = {
  domain: [
    { key: 'domain', heading: 'For domain code' },
    { key: 'backend', heading: 'For the service code (these bind your modules wherever they apply)' },
    { key: 'tests', heading: 'For the service tests (context: your tests cover your modules only)' },
  ],
  backend: [{ key: 'backend', heading: 'For the service code' }],
  database: [{ key: 'database', heading: 'For the data layer' }],
  api: [{ key: 'api', heading: 'For the API' }],
  tests: [{ key: 'tests', heading: 'For the tests' }],
  docs: [{ key: 'docs', heading: 'For the documentation' }],
  compile: [{ key: 'compile', heading: 'For reading the description' }],
};

function overlayNotes(ir: IR, agent: PromptAgent): PromptView['overlayNotes'] {
  return NOTE_SOURCES[agent].flatMap(({ key, heading }) => {
    const text = ir.overlays.prompts[key]?.trim();
    return text ? [{ heading, text }] : [];
  });
}

function scaleSection(ir: IR): PromptView['sections']['scale'] {
  const rps = ir.ops.scale.requestsPerSecond?.value;
  const users = ir.ops.scale.users?.value;
  const high = (rps ?? 0) >= HIGH_TRAFFIC.requestsPerSecond || (users ?? 0) >= HIGH_TRAFFIC.users;
  if (!high) return undefined;
  return {
    ...(rps === undefined ? {} : { requestsPerSecond: rps }),
    ...(users === undefined ? {} : { users }),
    replicas: ir.ops.replicas.value,
  };
}

function classifiedFields(ir: IR): Record<string, string[]> {
  const byClass: Record<string, string[]> = {};
  for (const entity of ir.entities) {
    for (const field of entity.fields) {
      if (!field.classification) continue;
      byClass[field.classification] = [...(byClass[field.classification] ?? []), `${entity.name}.${field.name}`];
    }
  }
  return byClass;
}

const PY_MODULE = /^[a-z_][a-z0-9_]*$/;

function taskViews(agent: PromptAgent, tasks: DomainTask[] | undefined): PromptView['tasks'] {
  if (agent === 'domain' && (!tasks || tasks.length === 0)) {
    throw workError('E_PROMPT_VARS', 'the domain prompt needs vars.tasks: at least one module to write', {
      hint: 'this is a qlf bug: the caller composes a domain prompt only when there is domain logic to write',
    });
  }
  return (tasks ?? []).map((task) => {
    if (!PY_MODULE.test(task.module)) {
      throw workError('E_PROMPT_VARS', `task ${task.id}: module "${task.module}" is not a Python module name`, {
        hint: 'module names are lowercase letters, digits and underscores, starting with a letter or underscore',
      });
    }
    return { ...task, modulePath: `app/domain/${task.module}.py`, testPath: `tests/test_domain_${task.module}.py` };
  });
}

function factsSchemaText(agent: PromptAgent, vars: PromptVars): string {
  const schema = vars.factsSchema;
  if (agent === 'compile' && schema === undefined) {
    throw workError('E_PROMPT_VARS', 'the compile prompt needs vars.factsSchema: the JSON Schema of the answer', {
      hint: 'this is a qlf bug: pass the facts schema when composing a compile prompt',
    });
  }
  if (schema === undefined) return '';
  return (typeof schema === 'string' ? schema : JSON.stringify(schema, null, 2)).trimEnd();
}

export function promptView(ir: IR, agent: PromptAgent, vars: PromptVars = {}): PromptView {
  const description = vars.description ?? ir.description;
  const tasks = taskViews(agent, vars.tasks);
  const auth = ir.api.auth.value;
  const scale = scaleSection(ir);
  return {
    agent,
    service: {
      name: ir.name,
      description,
      descriptionBlock: description.endsWith('\n') ? description : `${description}\n`,
      domain: ir.domain.value,
      backend: ir.stack.backend.value,
      language: ir.stack.language.value,
      database: ir.stack.database.value,
      basePath: ir.api.basePath,
      auth,
      pagination: ir.api.pagination.value,
      features: ir.features.map((feature) => feature.value),
      overlays: ir.overlays.applied.map((overlay) => overlay.name),
    },
    entities: entityViews(ir),
    relationships: relationshipViews(ir),
    endpoints: ir.api.endpoints.map(({ method, path, description }) => ({ method, path, description })),
    classified: classifiedFields(ir),
    sections: {
      ...(auth === 'none' ? {} : { auth: { mode: auth, credential: CREDENTIALS[auth] ?? auth } }),
      compliance: [...new Set(ir.compliance.map((regime) => regime.value))].sort(),
      ...(scale ? { scale } : {}),
    },
    overlayNotes: overlayNotes(ir, agent),
    tasks,
    allowed: vars.allowed ?? tasks.flatMap((task) => [task.modulePath, task.testPath]),
    factsSchema: factsSchemaText(agent, vars),
    soc: { begin: beginLine, end: END_LINE, done: DONE_LINE, prefix: MARKER_PREFIX },
    vocabulary: {
      fieldTypes: [...fieldType.options],
      relationshipKinds: [...relationshipKind.options],
      complianceNames: [...complianceName.options],
    },
  };
}
