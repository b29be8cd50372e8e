// The overlay part of a compile task's hash. A compile reads the full content of the overlays its brief applies
// (explicit, named by its domain or compliance, auto-applied, and what those require) and, of every other overlay, only
// what detection reads. So the hash covers the registry's detection digest and the bytes of that brief's overlays:
// editing an overlay re-runs the compiles that apply it, not every compile.
//
// Which overlays a brief applies is decided by the compiler's own code (`overlaysRequestedBy`): a pure function of
// the brief bytes, the detection digest, the auto-apply threshold and qlf's code. Its answers, and the outlines of
// overlay files, are remembered in `.qlf/compile-overlays.json` under exactly those inputs, so a warm run parses no
// brief and no overlay. The memo is a cache of a pure function: with or without it, a task hash is the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileReplacing } from '../../cache/write-replacing.js';
import { hashParts } from '../../core/hash.js';
import {
  type OutlineMemo,
  type OverlayOutline,
  type RegistryView,
  registryView,
  withRequired,
} from '../../overlays/lib/registry-view.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import { qlfCodeIdentity } from '../code-identity.js';

/** Entries kept beyond those this process used: old briefs' answers go first. */
const MEMO_LIMIT = 20_000;
/** Misses are saved together, once this long after the first of them. */
const SAVE_DELAY_MS = 200;

interface MemoFile {
  identity: string;
  outlines: Record<string, OverlayOutline | null>;
  briefs: Record<string, string[] | null>;
}

/** The memo file, loaded once; saves are batched and never fail a task. */
class OverlayChoiceMemo implements OutlineMemo {
  private readonly data: MemoFile;
  private readonly used = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    identity: string,
  ) {
    let data: MemoFile | undefined;
    try {
      data = JSON.parse(readFileSync(file, 'utf8')) as MemoFile;
    } catch {
      // none yet, or unreadable: every answer is computed
    }
    const valid = data?.identity === identity && typeof data.outlines === 'object' && typeof data.briefs === 'object';
    this.data = valid && data ? data : { identity, outlines: {}, briefs: {} };
  }

  get(key: string): OverlayOutline | null | undefined {
    this.used.add(`o ${key}`);
    return Object.hasOwn(this.data.outlines, key) ? this.data.outlines[key] : undefined;
  }

  set(key: string, outline: OverlayOutline | null): void {
    this.data.outlines[key] = outline;
    this.changed();
  }

  brief(key: string): string[] | null | undefined {
    this.used.add(`b ${key}`);
    return Object.hasOwn(this.data.briefs, key) ? this.data.briefs[key] : undefined;
  }

  setBrief(key: string, names: string[] | null): void {
    this.data.briefs[key] = names;
    this.changed();
  }

  private changed(): void {
    if (this.timer) return;
    // Unreferenced, so it never holds a finished process open; what is still pending then is saved before it exits.
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS).unref();
    process.once('beforeExit', this.flushOnExit);
  }

  private readonly flushOnExit = () => this.flush();

  private flush(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    process.off('beforeExit', this.flushOnExit);
    this.saving = this.saving.then(() => this.save());
  }

  private async save(): Promise<void> {
    const trim = <T>(entries: Record<string, T>, tag: string): Record<string, T> => {
      const keys = Object.keys(entries);
      const kept = keys.filter((key) => this.used.has(`${tag} ${key}`));
      for (const key of keys) if (kept.length < MEMO_LIMIT && !this.used.has(`${tag} ${key}`)) kept.push(key);
      return Object.fromEntries(kept.map((key) => [key, entries[key] as T]));
    };
    const text = JSON.stringify({
      identity: this.data.identity,
      outlines: trim(this.data.outlines, 'o'),
      briefs: trim(this.data.briefs, 'b'),
    });
    await writeFileReplacing(this.file, text).catch(() => undefined);
  }
}

export interface CompileOverlayInputs {
  /** The overlay hash parts of the compile of a brief with these bytes. */
  partsFor(briefBytes: Uint8Array): Promise<string[]>;
}

/** Reads the registry once per run; `partsFor` then answers per brief. */
export async function compileOverlayInputs(config: ResolvedConfig): Promise<CompileOverlayInputs> {
  const memo = new OverlayChoiceMemo(join(config.root, '.qlf', 'compile-overlays.json'), qlfCodeIdentity());
  const view = await registryView(config.overlays.dirs, memo);
  const threshold = config.overlays.autoApplyThreshold;
  return {
    async partsFor(briefBytes) {
      // A registry that does not load fails every compile: nothing to narrow, and nothing of it is cached.
      if (!view.loads) return view.fileLines;
      const key = hashParts(['overlays-requested/v1', String(threshold), view.detectionDigest, briefBytes]);
      let requested = memo.brief(key);
      if (requested === undefined) {
        requested = await requestedBy(briefBytes, view, threshold);
        memo.setBrief(key, requested);
      }
      // A brief that does not parse fails its compile: it hashes every overlay file, as the compile would read them.
      if (requested === null) return view.fileLines;
      return [
        `overlays detection ${view.detectionDigest}`,
        ...withRequired(requested, view).map((name) => `overlay ${name} ${view.byName.get(name)?.digest ?? 'unknown'}`),
      ];
    },
  };
}

async function requestedBy(bytes: Uint8Array, view: RegistryView, threshold: number): Promise<string[] | null> {
  // Loaded on a miss only: a warm run decides every brief from the memo.
  const { overlaysRequestedBy } = await import('../../executors/compile/lib/choose-overlays.js');
  try {
    const overlays = view.overlays.map(({ outline }) => outline);
    return overlaysRequestedBy(Buffer.from(bytes).toString('utf8'), overlays, threshold);
  } catch {
    return null;
  }
}
