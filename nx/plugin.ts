// The Nx plugin (`"plugins": ["qlf/plugin"]` in nx.json): one project per brief, one target per qlf stage.
import type { CreateNodesV2 } from '@nx/devkit';
import { createNodesForBriefs } from './create-nodes.js';
import type { QlfPluginOptions } from './plugin-options.js';

export type { QlfPluginOptions } from './plugin-options.js';

/** Nx 22 reads the v2 signature under `createNodes`: every `brief.qlf.yaml` the qlf config selects is a project. */
export const createNodes: CreateNodesV2<QlfPluginOptions> = ['**/brief.qlf.yaml', createNodesForBriefs];
