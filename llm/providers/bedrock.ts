// Amazon Bedrock through `@aws-sdk/client-bedrock-runtime`: one ConverseStream call (the Converse API) per call.
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  ConverseStreamCommand,
  type ConverseStreamCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { inputError } from '../../core/errors.js';
import type { LlmFailureKind, LlmRequest, LlmResponse, StopReason } from '../types.js';
import type { ProviderAdapter, ProviderCall } from './adapter.js';

/** How the client signs in: a Bedrock API key, an access key pair, or the standard AWS credential chain. */
export type BedrockAccess =
  | { kind: 'token'; token: string; secrets: string[] }
  | {
      kind: 'keys';
      credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
      secrets: string[];
    }
  | { kind: 'chain'; secrets: string[] };

export interface BedrockAdapterOptions {
  access: BedrockAccess;
  /** Else the AWS chain (`AWS_REGION`, the profile's region). */
  region?: string;
  /** Else the regional Bedrock endpoint. */
  endpoint?: string;
  profile?: string;
}

/** Bedrock's exceptions by name, for those raised inside the event stream (which carry no HTTP status). */
const EXCEPTION_KIND: Record<string, LlmFailureKind> = {
  ThrottlingException: 'rate-limit',
  ServiceUnavailableException: 'server',
  InternalServerException: 'server',
  ModelStreamErrorException: 'server',
  ModelNotReadyException: 'server',
  ModelErrorException: 'server',
  ModelTimeoutException: 'timeout',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  ExpiredTokenException: 'auth',
  ValidationException: 'bad-request',
  ResourceNotFoundException: 'bad-request',
};

export function createBedrockAdapter(options: BedrockAdapterOptions): ProviderAdapter {
  const client = new BedrockRuntimeClient({
    region: options.region,
    endpoint: options.endpoint,
    profile: options.profile,
    // qlf retries calls itself.
    maxAttempts: 1,
    ...accessConfig(options.access),
  });
  let ready: Promise<void> | undefined;
  return {
    async complete(request, call) {
      ready ??= checkSetup(client, options.access).catch((error) => {
        ready = undefined;
        throw error;
      });
      await ready;
      return converse(client, request, call);
    },
  };
}

// The scheme is pinned: the SDK would otherwise switch to bearer auth whenever the process environment holds
// AWS_BEARER_TOKEN_BEDROCK, whatever the environment qlf was given says.
function accessConfig(access: BedrockAccess): Partial<BedrockRuntimeClientConfig> {
  if (access.kind === 'token') return { token: { token: access.token }, authSchemePreference: ['httpBearerAuth'] };
  if (access.kind === 'keys') return { credentials: access.credentials, authSchemePreference: ['sigv4'] };
  return { authSchemePreference: ['sigv4'] };
}

/** A missing region or missing credentials is the user's to fix: say so before any call is made. */
async function checkSetup(client: BedrockRuntimeClient, access: BedrockAccess): Promise<void> {
  const region = await client.config.region().catch(() => undefined);
  if (!region) {
    throw inputError('E_LLM_NO_REGION', 'The bedrock provider needs an AWS region.', {
      hint: 'Set llm.providers.bedrock.region in qlf.config.ts, or AWS_REGION, or a region in your AWS profile.',
    });
  }
  if (access.kind !== 'chain') return;
  try {
    await client.config.credentials();
  } catch {
    throw inputError('E_LLM_NO_KEY', 'The bedrock provider found no AWS credentials.', {
      hint:
        'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/config, ' +
        'or a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK.',
    });
  }
}

async function converse(client: BedrockRuntimeClient, request: LlmRequest, call: ProviderCall): Promise<LlmResponse> {
  try {
    const output = await client.send(new ConverseStreamCommand(inputOf(request)), { abortSignal: call.signal });
    call.touch();
    let text = '';
    let stop: string | undefined;
    const usage = { inputTokens: 0, outputTokens: 0 };
    // The client decodes frames into events; each one counts as progress, as bytes do for the fetch-based SDKs.
    for await (const event of output.stream ?? []) {
      call.touch();
      if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
      if (event.messageStop) stop = event.messageStop.stopReason ?? 'end_turn';
      if (event.metadata?.usage) {
        usage.inputTokens = event.metadata.usage.inputTokens ?? 0;
        usage.outputTokens = event.metadata.usage.outputTokens ?? 0;
      }
    }
    // An aborted or cut HTTP/2 stream can end the loop quietly: without `messageStop` the answer is incomplete.
    if (stop === undefined) throw call.failure('network', 'the stream ended before the answer was complete');
    return { text, model: request.model, usage, stopReason: stopReasonOf(stop) };
  } catch (error) {
    throw failureOf(error, call);
  }
}

function inputOf(request: LlmRequest): ConverseStreamCommandInput {
  return {
    modelId: request.model,
    ...(request.system ? { system: [{ text: request.system }] } : {}),
    messages: request.messages.map((message) => ({ role: message.role, content: [{ text: message.content }] })),
    inferenceConfig: { maxTokens: request.maxOutputTokens, temperature: request.temperature },
  };
}

function stopReasonOf(stop: string): StopReason {
  if (stop === 'end_turn' || stop === 'stop_sequence') return 'end';
  if (stop === 'max_tokens' || stop === 'model_context_window_exceeded') return 'max-tokens';
  if (stop === 'content_filtered' || stop === 'guardrail_intervened') return 'refusal';
  return 'other';
}

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

function failureOf(error: unknown, call: ProviderCall): unknown {
  if (!(error instanceof Error) || error.name === 'AbortError') return error;
  const aws = error as AwsError;
  // Exceptions inside the stream arrive named after their event (`throttlingException`).
  const name = error.name.charAt(0).toUpperCase() + error.name.slice(1);
  const status = aws.$response?.statusCode ?? aws.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400) {
    const headers = aws.$response?.headers ?? {};
    return call.httpFailure(status, `${name}: ${error.message}`, (header) => headers[header], error);
  }
  const kind = EXCEPTION_KIND[name];
  if (kind) return call.failure(kind, `the stream reported ${name}: ${error.message}`, error);
  return error;
}
