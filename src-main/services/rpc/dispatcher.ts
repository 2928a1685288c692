import type { z } from 'zod';
import { calls, isCallName, type CallName, type CallResponse, type ParsedRequest } from '../../shared/contract/calls';
import { AppError, type Envelope } from '../../shared/contract/errors';
import type { Logger } from '../logging/logger';

export type Handler<C extends CallName> = (request: ParsedRequest<C>) => Promise<CallResponse<C>> | CallResponse<C>;
export type Handlers = { [C in CallName]: Handler<C> };

/**
 * Runs a contract call: validates the payload with the call's schema, runs the handler and
 * always answers with an envelope. Nothing thrown by a handler crosses a transport.
 */
export interface Dispatcher {
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
}

export function createDispatcher(handlers: Handlers, logger: Logger): Dispatcher {
  return {
    async invoke(channel, payload) {
      if (!isCallName(channel)) {
        return { ok: false, error: { code: 'not_found', message: `Unknown call "${channel.slice(0, 80)}".` } };
      }
      const schema = calls[channel].request as z.ZodType;
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
        // A message that names its field in words (the core's rules) stands as it is.
        const labelled = issue?.code === 'custom' && (issue as { params?: { labelled?: boolean } }).params?.labelled === true;
        const message = issue ? (field && !labelled ? `${field}: ${issue.message}` : issue.message) : 'Invalid request.';
        return { ok: false, error: field ? { code: 'invalid_input', message, field } : { code: 'invalid_input', message } };
      }
      try {
        const handler = handlers[channel] as (req: unknown) => unknown;
        const data = await handler(parsed.data);
        return { ok: true, data };
      } catch (err) {
        if (err instanceof AppError) return { ok: false, error: err.toInfo() };
        logger.error(`call ${channel} failed`, err);
        const where = logger.file ? `its log, ${logger.file}` : 'its log (the terminal that started it)';
        return { ok: false, error: { code: 'internal', message: `Something went wrong inside Edgedeck; the details are in ${where}.` } };
      }
    },
  };
}
