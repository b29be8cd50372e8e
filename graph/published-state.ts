// What a graph run last published for each brief, like git's index: per stage, the task hash, the output digest, and
// stat stamps of the published paths and of the cache entry they came from (`.qlf/published/<name>.json`). A warm run
// whose hash and stamps all still match skips restoring and publishing: the files on disk already are that output.

import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { stampTree } from '../cache/file-stamp.js';
import type { VerifiedEntry } from '../cache/local-cache.js';
import { writeFileReplacing } from '../cache/write-replacing.js';
import { NEVER_SHIPPED_DIRS } from '../core/never-shipped.js';
import { resolveInside } from '../core/safe-path.js';
import type { CheckRequest, CheckVerdict } from './published-check-worker.js';
import {
  type PublishedRecord,
  type PublishedStage,
  readPublishedRecord,
  stageUnchanged,
  verdictKey,
} from './published-record.js';
import type { StageName } from './stages.js';

export type { PublishedStage } from './published-record.js';

export class PublishedState {
  readonly dir: string;
  private readonly cacheDir: string;
  private readonly records = new Map<string, PublishedRecord>();
  private readonly writes = new Map<string, Promise<void>>();
  /** Verdicts from the worker of `checkAhead`, by `<brief>\0<stage>`: the key judged, and whether it held. */
  private readonly verdicts = new Map<string, [key: string, unchanged: boolean]>();
  private readonly positions = new Map<string, number>();
  private reached?: Int32Array;
  private worker?: Worker;
  /** How many stages the worker of `checkAhead` has judged so far. */
  checkedAhead = 0;

  /** `root` is the workspace root (records live in `<root>/.qlf/published/`); entries are looked up in `cacheDir`. */
  constructor(root: string, cacheDir: string) {
    this.dir = join(root, '.qlf', 'published');
    this.cacheDir = cacheDir;
  }

  private file(brief: string): string {
    return resolveInside(this.dir, `${brief}.json`);
  }

  private load(brief: string): PublishedRecord {
    let record = this.records.get(brief);
    if (!record) {
      record = readPublishedRecord(this.file(brief));
      this.records.set(brief, record);
    }
    return record;
  }

  /**
   * Starts checking records in a worker thread (`workerUrl`, the built published-check-worker.js), from the last of
   * `tasks` (in the order the run will ask) backwards, while `match` checks from the first onwards: they meet in the
   * middle and neither waits for the other. Without the worker's verdict `match` checks for itself.
   */
  checkAhead(tasks: readonly { brief: string; stage: StageName }[], workerUrl: string): void {
    const progress = new SharedArrayBuffer(4);
    this.reached = new Int32Array(progress);
    this.reached[0] = -1; // nothing checked here yet
    const request: CheckRequest = { cacheDir: this.cacheDir, tasks: [], progress };
    tasks.forEach(({ brief, stage }, position) => {
      this.positions.set(`${brief}\0${stage}`, position);
      request.tasks.push([brief, stage, this.file(brief), position]);
    });
    request.tasks.reverse();
    const worker = new Worker(new URL(workerUrl), { workerData: request });
    worker.on('message', (batch: CheckVerdict[]) => {
      for (const [brief, stage, key, unchanged] of batch) this.verdicts.set(`${brief}\0${stage}`, [key, unchanged]);
      this.checkedAhead += batch.length;
    });
    // A worker that fails only leaves more for `match` to check itself.
    worker.on('error', () => undefined);
    worker.unref();
    this.worker = worker;
  }

  /**
   * Removes the records of briefs not in `briefs` (renamed or deleted since): best effort, a leftover record only takes
   * a little room. Records are only written under `.qlf/published/`, so nothing else is touched.
   */
  async prune(briefs: ReadonlySet<string>): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.json') || briefs.has(name.slice(0, -'.json'.length))) continue;
      await rm(join(this.dir, name), { force: true }).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  /** Stops the worker of `checkAhead`, if any. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  /**
   * The record of `stage` when it can stand in for restoring and publishing task `hash`: same hash, the cache entry
   * unchanged since it was verified, and every one of `paths` (see `publishedPaths`) unchanged since it was published.
   */
  match(brief: string, stage: StageName, hash: string, paths: readonly string[]): PublishedStage | undefined {
    const id = `${brief}\0${stage}`;
    const position = this.positions.get(id);
    if (this.reached && position !== undefined && position > Atomics.load(this.reached, 0)) {
      Atomics.store(this.reached, 0, position);
    }
    const known = this.load(brief).stages[stage];
    if (!known || known.hash !== hash) return undefined;
    if (known.published.length !== paths.length || known.published.some((p, i) => p.path !== paths[i])) {
      return undefined; // published somewhere else now (outDir or root moved)
    }
    const verdict = this.verdicts.get(id);
    const unchanged =
      verdict !== undefined && verdict[0] === verdictKey(known) ? verdict[1] : stageUnchanged(known, this.cacheDir);
    return unchanged ? known : undefined;
  }

  /**
   * Records that `entry` (task `hash`) was just published to `paths`, stamping them now. Not fsynced (see
   * `writeFileReplacing`): a lost record costs one slow run; stamps are checked on every use anyway.
   */
  async record(
    brief: string,
    stage: StageName,
    input: { hash: string; outputHash: string; entry: VerifiedEntry; paths: readonly string[] },
  ): Promise<void> {
    const record = this.load(brief);
    record.stages[stage] = {
      hash: input.hash,
      outputHash: input.outputHash,
      terminalOutput: input.entry.manifest.terminalOutput,
      durationMs: input.entry.manifest.durationMs,
      entry: { files: input.entry.manifest.files.map((file) => file.path), stamp: input.entry.stamp },
      published: input.paths.map((path) => ({ path, tree: stampTree(path, (name) => NEVER_SHIPPED_DIRS.has(name)) })),
    };
    await this.save(brief, record);
  }

  /** Writes one brief's record; writes of one brief queue up so an older text never lands last. */
  private save(brief: string, record: PublishedRecord): Promise<void> {
    const text = `${JSON.stringify(record)}\n`;
    const next = (this.writes.get(brief) ?? Promise.resolve()).then(() => writeFileReplacing(this.file(brief), text));
    this.writes.set(
      brief,
      next.catch(() => undefined),
    );
    return next;
  }
}
