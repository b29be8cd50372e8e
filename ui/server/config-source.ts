// The workspace's config for the UI server: loaded once, and again when the config file changes, so an edit to
// `qlf.config.ts` while the page is open takes effect without restarting `qlf ui`.
import { stat } from 'node:fs/promises';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';

export class ConfigSource {
  private stamp?: string;
  private loading?: Promise<ResolvedConfig>;

  private constructor(
    private readonly cwd: string,
    private config: ResolvedConfig,
  ) {}

  static async load(cwd: string): Promise<ConfigSource> {
    const config = await loadConfig(cwd);
    const source = new ConfigSource(cwd, config);
    source.stamp = await source.stampOf(config.configFile);
    return source;
  }

  get root(): string {
    return this.config.root;
  }

  private async stampOf(file: string | undefined): Promise<string> {
    if (!file) return 'none';
    const info = await stat(file).catch(() => undefined);
    return info ? `${info.size}:${info.mtimeMs}` : 'gone';
  }

  /** The config, reloaded first when its file changed since it was last loaded. */
  async get(): Promise<ResolvedConfig> {
    const stamp = await this.stampOf(this.config.configFile);
    if (stamp === this.stamp) return this.config;
    this.loading ??= loadConfig(this.cwd).finally(() => {
      this.loading = undefined;
    });
    this.config = await this.loading;
    this.stamp = stamp;
    return this.config;
  }
}
