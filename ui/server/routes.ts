// Every route of the UI's API, in one list: method, path pattern, handler. Handlers return the JSON to send; the
// event stream answers by itself. Reads are GET; writes (save, create, run) are POST or PUT with a JSON body.

import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { packagePath, qlfVersion } from '../../core/package-info.js';
import { orderedStages, stageTasks } from '../../graph/index.js';
import { isStageName } from '../../graph/stages.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import { BRIEF_TEMPLATES } from '../../schemas/executor-options.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { RunRequest, WorkspaceResponse } from '../shared/api.js';
import { readBriefFileMeta, readBriefFileView, saveBriefFile } from './brief-file-api.js';
import { createBrief, listBriefs } from './briefs-api.js';
import { capsuleView } from './capsule-api.js';
import type { EventStream } from './event-stream.js';
import { taskGraph } from './graph-api.js';
import { ApiError, readJsonBody } from './http-util.js';
import { briefByName, fileTree, verifyReport, workingCopyFile } from './outputs-api.js';
import { compilePreview } from './preview-api.js';
import { previewRegeneration } from './regeneration.js';
import type { RunHub } from './run-hub.js';
import { taskDetails } from './task-api.js';
import type { WorkspaceWatch } from './workspace-watch.js';

/** Largest JSON body accepted: a brief (1 MiB at most) with room for the rest of the request. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  config: () => Promise<ResolvedConfig>;
  hub: RunHub;
  events: EventStream;
  watch: WorkspaceWatch;
}

/** What a handler returns: JSON to send (status 200 unless given), or `handled` when it answered itself. */
export type RouteResult = { status?: number; json: unknown } | 'handled';

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  pattern: RegExp;
  keys: string[];
  handle: (ctx: RouteContext) => Promise<RouteResult>;
}

function route(method: Route['method'], path: string, handle: Route['handle']): Route {
  const keys: string[] = [];
  const source = path.replace(/:([a-z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), keys, handle };
}

const json = (value: unknown, status?: number): RouteResult => ({ json: value, ...(status ? { status } : {}) });
const query = (ctx: RouteContext, name: string): string => {
  const value = ctx.url.searchParams.get(name);
  if (value === null) throw new ApiError(400, 'E_UI_BAD_REQUEST', `the query needs \`${name}\``);
  return value;
};
const body = (ctx: RouteContext) => readJsonBody(ctx.req, MAX_BODY_BYTES);

async function runRequest(ctx: RouteContext): Promise<RunRequest> {
  const input = ((await body(ctx)) ?? {}) as Record<string, unknown>;
  const request: RunRequest = {};
  if (input.brief !== undefined && input.brief !== null) {
    if (typeof input.brief !== 'string') throw new ApiError(400, 'E_UI_BAD_REQUEST', '`brief` must be a brief name');
    request.brief = input.brief;
  }
  if (input.stage !== undefined && input.stage !== null) {
    if (typeof input.stage !== 'string' || !isStageName(input.stage)) {
      throw new ApiError(400, 'E_UI_BAD_REQUEST', `\`stage\` must be one of ${orderedStages(stageTasks).join(', ')}`);
    }
    request.stage = input.stage;
  }
  return request;
}

export const routes: Route[] = [
  route('GET', '/api/workspace', async (ctx) => {
    const config = await ctx.config();
    const registry = await loadOverlayRegistry(config.overlays.dirs).catch(() => undefined);
    return json({
      root: config.root,
      qlfVersion: qlfVersion(),
      stages: orderedStages(stageTasks),
      briefGlobs: config.briefs,
      overlays: registry ? registry.list().map((loaded) => loaded.overlay.name) : [],
      templates: [...BRIEF_TEMPLATES],
    } satisfies WorkspaceResponse);
  }),
  route('GET', '/api/briefs', async (ctx) =>
    json({ briefs: await listBriefs(await ctx.config()), external: ctx.watch.external }),
  ),
  route('POST', '/api/briefs', async (ctx) => json(await createBrief(await ctx.config(), await body(ctx)), 201)),
  route('GET', '/api/brief-file', async (ctx) => json(await readBriefFileView(await ctx.config(), query(ctx, 'path')))),
  route('GET', '/api/brief-file/meta', async (ctx) =>
    json(await readBriefFileMeta(await ctx.config(), query(ctx, 'path'))),
  ),
  route('PUT', '/api/brief-file', async (ctx) => json(await saveBriefFile(await ctx.config(), await body(ctx)))),
  route('POST', '/api/preview', async (ctx) => json(await compilePreview(await ctx.config(), await body(ctx)))),
  route('GET', '/api/schema/brief', async () =>
    json(JSON.parse(await readFile(packagePath('schemas', 'json', 'brief.schema.json'), 'utf8'))),
  ),
  route('GET', '/api/graph', async (ctx) => json(await taskGraph(await ctx.config()))),
  route('GET', '/api/events', async (ctx) => {
    ctx.events.open(ctx.req, ctx.res, { type: 'hello', run: ctx.hub.snapshot(), external: ctx.watch.external });
    return 'handled';
  }),
  route('GET', '/api/run', async (ctx) => json({ run: ctx.hub.snapshot() })),
  route('POST', '/api/run', async (ctx) => json({ run: await ctx.hub.start(await runRequest(ctx)) }, 202)),
  route('POST', '/api/run/cancel', async (ctx) => {
    await body(ctx);
    return json({ cancelled: ctx.hub.cancel() });
  }),
  route('GET', '/api/tasks/:id', async (ctx) =>
    json(await taskDetails(await ctx.config(), ctx.hub, ctx.params.id as string)),
  ),
  route('GET', '/api/outputs/:brief/files', async (ctx) =>
    json(await fileTree(await ctx.config(), ctx.params.brief as string)),
  ),
  route('GET', '/api/outputs/:brief/file', async (ctx) =>
    json(await workingCopyFile(await ctx.config(), ctx.params.brief as string, query(ctx, 'path'))),
  ),
  route('GET', '/api/outputs/:brief/verify', async (ctx) =>
    json(await verifyReport(await ctx.config(), ctx.params.brief as string)),
  ),
  route('GET', '/api/outputs/:brief/regeneration', async (ctx) =>
    json(await previewRegeneration(await ctx.config(), ctx.params.brief as string)),
  ),
  route('GET', '/api/outputs/:brief/capsule', async (ctx) =>
    json(await capsuleView(await ctx.config(), ctx.params.brief as string)),
  ),
];

/** The run hub's check: the brief asked for must exist. */
export async function checkRunRequest(config: ResolvedConfig, request: RunRequest): Promise<void> {
  if (request.brief) await briefByName(config, request.brief);
}

/** The route for `method` and `path` with its parameters, or a 404/405 ApiError. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } {
  let pathKnown = false;
  for (const candidate of routes) {
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    pathKnown = true;
    if (candidate.method !== method && !(method === 'HEAD' && candidate.method === 'GET')) continue;
    const params: Record<string, string> = {};
    candidate.keys.forEach((key, index) => {
      params[key] = decodeURIComponent(match[index + 1] as string);
    });
    return { route: candidate, params };
  }
  if (pathKnown) throw new ApiError(405, 'E_UI_METHOD', `${method} is not allowed on ${path}`);
  throw new ApiError(404, 'E_UI_NOT_FOUND', `no such route: ${path}`);
}
