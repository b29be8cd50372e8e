// Plays one script step onto a response, whatever the transport: HTTP/1.1 server-sent events or an HTTP/2 event stream.
import { chunksOf, DEFAULT_USAGE, PARTIAL_ANSWER, type ScriptStep, sleep } from './script.js';

export type Frame = string | Uint8Array;
export type AnswerEnd = 'end' | 'max-tokens' | 'refusal';

export interface AnswerShape {
  chunks: string[];
  end: AnswerEnd;
  usage: { input: number; output: number };
  /** Model id the server says answered. */
  model: string;
}

/** What a provider's wire format says for each kind of step. */
export interface WireFormat {
  /** Headers of a successful streamed answer. */
  streamHeaders: Record<string, string>;
  /** Every frame of a streamed answer; the first `preamble` frames come before the first text chunk. */
  answer(shape: AnswerShape): { frames: Frame[]; preamble: number };
  /** The provider's error event inside a stream that has started. */
  streamError(kind: 'overloaded' | 'throttled', message: string): Frame;
  /** Headers and body of an error answer in the provider's own format. */
  error(status: number, message: string): { headers: Record<string, string>; body: string };
}

/** The transport under one response. */
export interface Responder {
  head(status: number, headers: Record<string, string>): void;
  write(frame: Frame): void;
  end(): void;
  /** Drops the connection mid-answer, as a crashed server or proxy would. */
  destroy(): void;
  /** Whether the client has gone (then a slow stream stops writing). */
  readonly closed: boolean;
}

export async function playStep(step: ScriptStep | undefined, out: Responder, wire: WireFormat, model: string) {
  if (step === undefined) return sendError(out, wire, 500, 'The test script has no step left for this request.');
  if ('status' in step) {
    const error = wire.error(step.status, `Scripted failure ${step.status}.`);
    const headers = { ...error.headers, ...step.headers };
    if (step.retryAfter !== undefined) headers['retry-after'] = step.retryAfter;
    out.head(step.status, headers);
    out.write(step.body ?? error.body);
    out.end();
    return;
  }
  if ('hang' in step) {
    if (step.afterHeaders) out.head(200, wire.streamHeaders);
    return;
  }
  if ('streamError' in step) {
    const { frames, preamble } = wire.answer({
      chunks: chunksOf(PARTIAL_ANSWER),
      end: 'end',
      usage: DEFAULT_USAGE,
      model,
    });
    out.head(200, wire.streamHeaders);
    for (const frame of frames.slice(0, preamble + (step.after ?? 1))) out.write(frame);
    out.write(wire.streamError(step.streamError, `Scripted ${step.streamError} error.`));
    out.end();
    return;
  }
  if ('cutAfter' in step) {
    const { frames, preamble } = wire.answer({
      chunks: chunksOf(step.answer ?? PARTIAL_ANSWER),
      end: 'end',
      usage: DEFAULT_USAGE,
      model,
    });
    out.head(200, wire.streamHeaders);
    for (const frame of frames.slice(0, preamble + step.cutAfter)) out.write(frame);
    // Let the written frames reach the client before the connection drops, so the cut lands mid-stream.
    await sleep(20);
    out.destroy();
    return;
  }
  const refusal = 'refusal' in step;
  const shape: AnswerShape = refusal
    ? { chunks: chunksOf(step.refusal), end: 'refusal', usage: DEFAULT_USAGE, model }
    : {
        chunks: chunksOf(step.answer, step.chunk),
        end: step.stopReason ?? 'end',
        usage: step.usage ?? DEFAULT_USAGE,
        model,
      };
  out.head(200, wire.streamHeaders);
  const intervalMs = refusal ? 0 : (step.intervalMs ?? 0);
  for (const frame of wire.answer(shape).frames) {
    if (out.closed) return;
    out.write(frame);
    await sleep(intervalMs);
  }
  out.end();
}

function sendError(out: Responder, wire: WireFormat, status: number, message: string) {
  const error = wire.error(status, message);
  out.head(status, error.headers);
  out.write(error.body);
  out.end();
}
