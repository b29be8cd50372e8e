// Where each provider's key is read from: light on purpose, so readiness checks and messages name the variable
// without loading any provider SDK.
import type { ProviderName, ProviderSettings } from '../../schemas/llm.js';

const KEY_VARIABLE = {
  openai: 'OPENAI_API_KEY',
  azure: 'AZURE_OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  bedrock: 'AWS_ACCESS_KEY_ID',
} as const satisfies Record<ProviderName, string>;

/** The environment variable holding a provider's key (for Bedrock: the access key id, or the API-key variable set). */
export function keyVariableOf(name: ProviderName, settings: ProviderSettings = {}): string {
  return settings.apiKeyEnv ?? KEY_VARIABLE[name];
}
