// The briefs of the workspace with each stage's last status, and new briefs written by the `qlf:brief` generator
// (from a sentence, or from its template with a name, folder, description and overlays).
import { existsSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { isQlfError } from '../../core/errors.js';
import { resolveInside } from '../../core/safe-path.js';
import { nameFromSentence } from '../../executors/compile/lib/sentence-brief.js';
import briefGenerator from '../../generators/brief/brief.js';
import { BRIEF_TEMPLATES } from '../../schemas/executor-options.js';
import { findBriefFiles, readBriefRef } from '../../workspace/briefs.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { BriefSummary, CreateBriefRequest, CreateBriefResponse } from '../shared/api.js';
import { ApiError } from './http-util.js';
import { briefStatuses } from './stage-status.js';
import { isBriefPath, realPathInside } from './workspace-paths.js';

const posix = (path: string) => path.split(sep).join('/');

/** Every brief file the config's globs find; one that cannot be read as a brief is listed with its problem. */
export async function listBriefs(config: ResolvedConfig): Promise<BriefSummary[]> {
  const files = await findBriefFiles(config);
  const briefs = await Promise.all(
    files.map(async (file): Promise<Omit<BriefSummary, 'stages'>> => {
      const shown = posix(relative(config.root, file));
      try {
        // A brief reached through a link that leaves the workspace is listed, never read.
        await realPathInside(config.root, config.root, shown);
        const ref = await readBriefRef(file, config.root);
        return { name: ref.name, file: shown, uses: ref.uses };
      } catch (error) {
        if (error instanceof ApiError)
          return { name: null, file: shown, uses: [], error: { code: error.code, message: error.message } };
        if (!isQlfError(error)) throw error;
        const issue = error.issues[0] ?? { code: error.code, message: error.message, hint: error.hint };
        return { name: null, file: shown, uses: [], error: issue };
      }
    }),
  );
  const names = briefs.flatMap((brief) => (brief.name ? [brief.name] : []));
  const statuses = await briefStatuses(config, names);
  return briefs.map((brief) => ({ ...brief, stages: (brief.name && statuses.get(brief.name)) || {} }));
}

function listOfStrings(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ApiError(400, 'E_UI_BAD_REQUEST', `\`${name}\` must be a list of strings`);
  }
  return value as string[];
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError(400, 'E_UI_BAD_REQUEST', `\`${name}\` must be a string`);
  return value;
}

/**
 * Writes a new brief through the `qlf:brief` generator (on an Nx tree over the workspace). Its output is checked
 * before anything is written: only a new `*.qlf.yaml` that the config's globs find, inside the workspace.
 */
export async function createBrief(config: ResolvedConfig, body: unknown): Promise<CreateBriefResponse> {
  const input = (body ?? {}) as Record<string, unknown>;
  const request: CreateBriefRequest = {
    sentence: optionalString(input.sentence, 'sentence')?.trim() || undefined,
    name: optionalString(input.name, 'name')?.trim() || undefined,
    directory: optionalString(input.directory, 'directory')?.trim() || undefined,
    description: optionalString(input.description, 'description'),
    overlays: listOfStrings(input.overlays, 'overlays'),
    template: optionalString(input.template, 'template'),
  };
  if (request.template !== undefined && !(BRIEF_TEMPLATES as readonly string[]).includes(request.template)) {
    throw new ApiError(400, 'E_UI_BAD_REQUEST', `\`template\` must be one of ${BRIEF_TEMPLATES.join(', ')}`);
  }
  const name = request.name ?? (request.sentence ? nameFromSentence(request.sentence) : undefined);
  if (!name) {
    throw new ApiError(400, 'E_UI_BAD_REQUEST', 'a new brief needs a sentence or a name', {
      hint: 'Describe the service in one sentence, or give it a name (lowercase letters, digits and dashes).',
    });
  }
  // Loaded here: the Nx tree is only needed to create a brief.
  const { FsTree } = await import('nx/src/generators/tree.js');
  const tree = new FsTree(config.root, false);
  // The generator picks the folder the `briefs` globs look in unless one is asked for, and refuses one they miss.
  await briefGenerator(tree, {
    name,
    ...(request.directory ? { directory: request.directory } : {}),
    ...(request.template ? { template: request.template as (typeof BRIEF_TEMPLATES)[number] } : {}),
    ...(request.description || request.sentence ? { description: request.description || request.sentence } : {}),
    ...(request.overlays?.length ? { overlays: request.overlays } : {}),
  });
  const changes = tree.listChanges();
  for (const change of changes) {
    if (change.type !== 'CREATE' || !isBriefPath(config, change.path)) {
      throw new ApiError(400, 'E_UI_BRIEF_GLOB', `the new brief ${change.path} is not where the config finds briefs`, {
        hint: `Pick a folder the \`briefs\` globs cover (${config.briefs.join(', ')}).`,
      });
    }
  }
  const created = changes[0];
  if (!created?.content) throw new ApiError(500, 'E_INTERNAL', 'the brief generator wrote nothing');
  const target = resolveInside(config.root, created.path);
  // The generator checked too; a brief saved meanwhile is still never replaced.
  if (existsSync(target)) throw new ApiError(409, 'E_BRIEF_EXISTS', `${created.path} already exists`);
  await writeFileAtomic(target, created.content);
  return { name, file: created.path };
}
