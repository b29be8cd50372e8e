// The JSON the web UI's server sends and accepts, one shape per route: shared by the server (ui/server) and the
// browser app (ui/app), so both sides are checked against the same types. Types only: nothing here runs.

export type StageName = 'compile' | 'generate' | 'verify' | 'build' | 'package' | 'deploy';

/** A task's state as the UI shows it: the engine's outcomes, plus waiting and running while a run goes. */
export type TaskState = 'success' | 'cached' | 'failed' | 'skipped' | 'queued' | 'running';

/** A located problem, as qlf reports them (core/errors.ts `QlfIssue`). */
export interface ApiIssue {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  path?: string;
  hint?: string;
  severity?: 'error' | 'warning';
}

export interface ApiErrorBody {
  error: { code: string; message: string; hint?: string; issues?: ApiIssue[] };
  [key: string]: unknown;
}

/** The last recorded outcome of one stage of one brief. */
export interface StageStatus {
  status: TaskState;
  cache?: 'local' | 'remote' | null;
  errorCode?: string;
  /** When the run that recorded it ended (ISO time). */
  at?: string;
  /** How long the task took when it last ran (from the published record or the UI's run). */
  durationMs?: number;
}

export interface BriefSummary {
  /** Null when the file cannot be read as a brief (then `error` says why). */
  name: string | null;
  /** POSIX path relative to the workspace root. */
  file: string;
  uses: string[];
  error?: ApiIssue;
  stages: Partial<Record<StageName, StageStatus>>;
}

/** A run of another process (a terminal `qlf run`, `qlf watch`) holding the workspace's run lock. */
export interface ExternalRun {
  pid: number;
}

export interface WorkspaceResponse {
  root: string;
  qlfVersion: string;
  stages: StageName[];
  briefGlobs: string[];
  overlays: string[];
  /** The templates a new brief can start from (`qlf:brief`'s). */
  templates: string[];
}

export interface BriefsResponse {
  briefs: BriefSummary[];
  external: ExternalRun | null;
}

export interface BriefFile {
  path: string;
  text: string;
  /** sha256 of the bytes on disk: the precondition a save sends back. */
  hash: string;
  mtimeMs: number;
}

export interface BriefFileMeta {
  path: string;
  hash: string;
  mtimeMs: number;
}

export interface SaveRequest {
  path: string;
  text: string;
  /** The hash the editor loaded (or last saved); the save is refused when the file no longer has it. */
  baseHash: string;
}

export interface CreateBriefRequest {
  /** A one-sentence description; the name is derived from it. */
  sentence?: string;
  /** With a template: the brief's name (a DNS-1123 label). */
  name?: string;
  /** Folder relative to the workspace root. @default the folder the config's first `briefs` glob names */
  directory?: string;
  description?: string;
  overlays?: string[];
  /** The `qlf:brief` template to start from. @default "minimal" */
  template?: string;
}

export interface CreateBriefResponse {
  name: string;
  file: string;
}

/** Part of the description a fact was read from: offsets in the description, and in the brief's text. */
export interface SpanView {
  start: number;
  end: number;
  text: string;
  /** Offsets in the brief file's text, when the description could be located there. */
  from?: number;
  to?: number;
}

export interface Provenance {
  origin: 'explicit' | 'inferred' | 'overlay' | 'default' | 'llm';
  confidence: number;
  span?: SpanView;
  source?: string;
}

export interface FieldView extends Provenance {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  classification?: string;
}

export interface EntityView extends Provenance {
  name: string;
  table: string;
  fields: FieldView[];
}

export interface RelationView extends Provenance {
  from: string;
  to: string;
  kind: string;
}

export interface SuggestionView {
  name: string;
  confidence: number;
  spans: SpanView[];
  /** Whether compiling applied it (explicitly asked for, or suggested above the auto-apply threshold). */
  applied: boolean;
}

export interface WarningView {
  code: string;
  message: string;
  path?: string;
  span?: SpanView;
  line?: number;
  column?: number;
}

export interface IrPreview {
  name: string;
  domain: { value: string } & Provenance;
  compliance: ({ value: string } & Provenance)[];
  auth: { value: string } & Provenance;
  database: { value: string } & Provenance;
  entities: EntityView[];
  relations: RelationView[];
  suggested: SuggestionView[];
  applied: { name: string; reason: string; confidence: number }[];
  features: ({ value: string } & Provenance)[];
  warnings: WarningView[];
}

export interface PreviewRequest {
  text: string;
  /** The brief file, for messages. */
  path?: string;
}

export interface PreviewResponse {
  ok: boolean;
  /** Why it did not compile: every problem, located when qlf knows where. */
  issues: ApiIssue[];
  ir?: IrPreview;
  /** Compile time on the server. */
  durationMs: number;
}

export interface GraphNode {
  id: string;
  brief: string;
  stage: StageName;
}

export interface GraphResponse {
  nodes: GraphNode[];
  edges: { from: string; to: string; kind: 'stage' | 'uses' }[];
  statuses: Record<string, StageStatus>;
}

export interface RunRequest {
  /** One brief (with what it uses); all briefs when absent. */
  brief?: string;
  /** Run stages up to this one. @default every stage */
  stage?: StageName;
}

export interface TaskView {
  id: string;
  brief: string;
  stage: StageName;
  status: TaskState;
  cache?: 'local' | 'remote' | null;
  durationMs?: number;
  savedMs?: number;
  error?: string;
  errorCode?: string;
  hint?: string;
  issues?: ApiIssue[];
  skips?: { check: string; reason: string }[];
  warnings?: string[];
  /** What the task printed. */
  log?: string;
  /** Where the view came from: this server's run, or the workspace's records of an earlier run. */
  source?: 'run' | 'published' | 'audit';
}

export interface RunTotalsView {
  tasks: number;
  success: number;
  cached: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

export interface RunSnapshot {
  id: string;
  brief: string | null;
  stage: StageName | null;
  startedAt: string;
  endedAt?: string;
  /** Task states without their logs (fetch one task for its log). */
  tasks: TaskView[];
  totals?: RunTotalsView;
  interrupted?: boolean;
  error?: { code: string; message: string; hint?: string };
  warnings: string[];
}

/** What the server pushes on `/api/events` (server-sent events, one JSON object per `data:` line). */
export type UiEvent =
  | { type: 'hello'; run: RunSnapshot | null; external: ExternalRun | null }
  | { type: 'run'; run: RunSnapshot }
  | { type: 'task'; runId: string; task: TaskView }
  | { type: 'workspace'; external: ExternalRun | null; reason: 'audit' | 'lock' };

export interface FileEntry {
  path: string;
  size: number;
}

export interface FileTreeResponse {
  /** The working copy, relative to the workspace root. */
  root: string;
  exists: boolean;
  files: FileEntry[];
  /** Files left out because the list is capped. */
  truncated: number;
}

export interface FileContent {
  path: string;
  size: number;
  binary: boolean;
  /** Absent for binary or oversized files. */
  text?: string;
  truncated: boolean;
}

export interface VerifyReportView {
  exists: boolean;
  report?: {
    name: string;
    passed: boolean;
    strict: boolean;
    runners: { runner: string; database?: string; status: 'passed' | 'failed' | 'skipped'; reason?: string }[];
    findings: {
      runner: string;
      rule: string;
      severity: 'error' | 'warning' | 'info';
      message: string;
      file?: string;
      line?: number;
      column?: number;
      database?: string;
    }[];
  };
}

export interface DiffHunk {
  /** `@@ -a,b +c,d @@`. */
  header: string;
  lines: string[];
}

export interface FileDiff {
  path: string;
  change: 'written' | 'merged' | 'conflict' | 'removed' | 'revision';
  hunks: DiffHunk[];
  /** Too large or binary to show line by line. */
  omitted?: string;
}

export interface RegenerationResponse {
  /** Whether the working copy exists yet (else the whole service would be written). */
  workingCopy: boolean;
  report: {
    written: string[];
    unchanged: number;
    merged: string[];
    conflicts: string[];
    keptDeleted: string[];
    removed: string[];
    kept: string[];
  };
  diffs: FileDiff[];
  /** Conflict markers already in the working copy (a regeneration that left them, not resolved yet). */
  unresolved: { path: string; hunks: { start: number; end: number }[] }[];
  revision?: { path: string; message: string; warnings: string[] };
  durationMs: number;
}

export interface CapsuleCheckView {
  name: string;
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
}

export interface CapsuleResponse {
  exists: boolean;
  file?: string;
  size?: number;
  verification?: {
    ok: boolean;
    checks: CapsuleCheckView[];
    /** Which public key the signature was checked with (the workspace's signing key), when one was found. */
    keyId?: string;
  };
  manifest?: Record<string, unknown>;
  files?: { path: string; size: number; mode: string }[];
  components?: { name: string; version?: string; purl?: string; type?: string; licenses?: string[] }[];
  provenance?: {
    payloadType: string;
    signatures: { keyid: string }[];
    statement?: Record<string, unknown>;
  };
}
