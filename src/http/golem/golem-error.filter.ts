import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GolemError, type GolemErrorKind } from '../../golem/golem-error';
import { DomainError } from '../../kernel/domain-error';
import {
  GolemHttpError,
  bodyTooLarge,
  concurrentModification,
  internalError,
  methodNotAllowed,
  routeNotFound,
  unsupportedMediaType,
} from './golem-http-error';
import { matchGolemRoute } from './golem-routes';

const STATUS: Record<GolemErrorKind, number> = {
  project_access: 401,
  project_action: 401,
  account_access: 401,
  admin_only: 401,
  bad_request: 400,
  not_found: 404,
  conflict: 409,
};

/** Where an unexpected failure is reported; its message and stack never reach the client. */
export interface FailureLog {
  error(message: string): void;
}

/**
 * The Golem wire form of anything thrown while serving a /v1 request (golem-api.md §1.4, §1.5).
 * Anything unexpected is 500 with a reference, logged with its cause. Requests are never logged,
 * so their credentials cannot be.
 */
export function golemErrorAnswer(exception: unknown, method: string, url: string, log: FailureLog): GolemHttpError {
  if (exception instanceof GolemHttpError) return exception;
  if (exception instanceof GolemError) {
    const status = STATUS[exception.kind];
    return new GolemHttpError(status, status === 400 ? { errors: [exception.message] } : { error: exception.message });
  }
  // The platform's optimistic concurrency gave up after its retries (§6.1).
  if (exception instanceof DomainError && exception.kind === 'conflict') return concurrentModification();
  if (exception instanceof HttpException) {
    // Nest's answer to a request no controller route took: tell "no such path" from "other methods".
    if (exception.getStatus() === 404) {
      const match = matchGolemRoute(method, url);
      return match.kind === 'method_not_allowed' ? methodNotAllowed(match.allow) : routeNotFound();
    }
    // Fastify refuses a body past its hard limit before any route runs (an unparsable Content-Type
    // too, where neutraliseGolemContentType has not replaced it).
    if (exception.getStatus() === 415) return unsupportedMediaType();
    if (exception.getStatus() === 413) return bodyTooLarge();
  }
  const reference = randomUUID();
  log.error(`reference ${reference}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
  return internalError(reference);
}

/** Sends a Golem error. */
export function sendGolemError(reply: FastifyReply, answer: GolemHttpError): void {
  for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
  void reply.status(answer.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer.body));
}

/** Every error of the Golem dialect leaves here, in Golem's shapes. */
@Catch()
export class GolemErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('GolemErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    sendGolemError(http.getResponse<FastifyReply>(), golemErrorAnswer(exception, request.method, request.url, this.logger));
  }
}
