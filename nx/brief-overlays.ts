// Which overlay files a brief's compile reads, for the Nx plugin's `inputs`: compile itself says (it is deterministic
// and offline), remembered per brief content in Nx's workspace data folder so a 500-brief graph stays fast.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-fs.js';
import { hashParts } from '../core/hash.js';
import { qlfVersion } from '../core/package-info.js';
import { loadOverlayRegistry } from '../overlays/lib/load-overlay-registry.js';
import { resolveOverlays } from '../overlays/lib/resolve-overlays.js';
import type { OverlayRegistry } from '../overlays/lib/types.js';
import type { ResolvedConfig } from '../workspace/config.js';

export interface BriefOverlayResolver {
  /** Absolute overlay files read when compiling `briefFile`, sorted. */
  filesFor(briefFile: string, explicit: readonly string[]): Promise<string[]>;
  /** Writes what was learnt for the next pass. */
  save(): Promise<void>;
}

const CACHE_FILE = 'qlf-brief-overlays.json';

function dataDir(root: string): string {
  const custom = process.env.NX_WORKSPACE_DATA_DIRECTORY;
  return custom ? (isAbsolute(custom) ? custom : join(root, custom)) : join(root, '.nx', 'workspace-data');
}

function readCache(file: string, key: string): Record<string, string[]> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { key?: string; briefs?: Record<string, string[]> };
    return data.key === key && data.briefs ? data.briefs : {};
  } catch {
    return {};
  }
}

/** Overlay names compile applies to the brief: explicit, inferred from the description, and required. */
async function compiledOverlays(text: string, file: string, registry: OverlayRegistry, threshold: number) {
  // Loaded on a miss only: a graph whose briefs are all remembered never loads the compiler.
  const { runCompile } = await import('../executors/compile/compile.js');
  const { ir } = await runCompile({ source: { text, file }, overlays: registry, autoApplyThreshold: threshold });
  return ir.overlays.applied.map((overlay) => overlay.name);
}

/** Loads the overlay registry once for a whole inference pass. */
export async function createBriefOverlayResolver(config: ResolvedConfig): Promise<BriefOverlayResolver> {
  let registry: OverlayRegistry | undefined;
  try {
    registry = await loadOverlayRegistry(config.overlays.dirs);
  } catch {
    registry = undefined;
  }
  const all = registry ? registry.list().map((loaded) => loaded.file) : [];
  // Any change to the overlay catalogue, the threshold or qlf can change what compile infers: start afresh then.
  const key = hashParts([
    qlfVersion(),
    String(config.overlays.autoApplyThreshold),
    ...(registry?.list() ?? []).flatMap((loaded) => [loaded.file, loaded.digest]),
  ]);
  const cacheFile = join(dataDir(config.root), CACHE_FILE);
  const cached = readCache(cacheFile, key);
  const learnt: Record<string, string[]> = {};
  const namesFor = async (briefFile: string, explicit: readonly string[]): Promise<string[]> => {
    if (!registry) return [];
    const text = await readFile(briefFile, 'utf8');
    const digest = hashParts([text]);
    const known = cached[digest];
    try {
      const names = known ?? (await compiledOverlays(text, briefFile, registry, config.overlays.autoApplyThreshold));
      learnt[digest] = names;
      return names;
    } catch {
      // A brief that does not compile: hash its explicit overlays and whatever a description could suggest.
      const requests = [
        ...explicit.map((name) => ({ name, reason: 'explicit' as const, confidence: 1 })),
        ...registry
          .list()
          .filter((loaded) => loaded.overlay.detect.length > 0)
          .map((loaded) => ({ name: loaded.overlay.name, reason: 'inferred' as const, confidence: 1 })),
      ];
      return resolveOverlays(requests, registry).overlays.map((entry) => entry.loaded.overlay.name);
    }
  };
  return {
    async filesFor(briefFile, explicit) {
      try {
        const names = await namesFor(briefFile, explicit);
        return [...new Set(names.map((name) => registry?.get(name)?.file).filter((f): f is string => !!f))].sort();
      } catch {
        // Unknown or conflicting overlays fail compile anyway; hashing every overlay keeps the cache honest.
        return all;
      }
    },
    async save() {
      try {
        await writeFileAtomic(cacheFile, JSON.stringify({ key, briefs: learnt }));
      } catch {
        // Only a speed-up: a read-only workspace still gets correct inputs.
      }
    },
  };
}
