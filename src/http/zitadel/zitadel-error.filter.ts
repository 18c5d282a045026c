import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../kernel/domain-error';
import { StoreUnavailable } from '../../kernel/event-store.port';
import { GolemErrorFilter } from '../golem/golem-error.filter';
import { isGolemPath } from '../golem/golem-routes';
import { RouteTable } from '../route-table';
import { GRPC_CODE, HTTP_STATUS, errorBody } from './wire';

/**
 * Every error of the ZITADEL dialect leaves in its wire shape: `{code, message, details:
 * [ErrorDetail]}` with grpc-gateway's HTTP status. Unknown failures are logged here and answered
 * without their message (no driver text, stack or secret leaves the process).
 */
@Catch()
export class ZitadelErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ZitadelErrorFilter');
  /** /v1 is the Golem dialect's: its unknown routes and early failures answer in Golem's shapes. */
  private readonly golem = new GolemErrorFilter();

  constructor(private readonly routes: RouteTable) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (isGolemPath(request.url)) return this.golem.catch(exception, host);
    const { status, code, id, message } = this.describe(exception, request);
    if (status === 503) void reply.header('retry-after', '1');
    void reply.status(status).header('content-type', 'application/json').send(errorBody(code, id, message));
  }

  private describe(exception: unknown, request: FastifyRequest): { status: number; code: number; id: string; message: string } {
    if (exception instanceof DomainError) {
      const code = GRPC_CODE[exception.kind];
      return { status: HTTP_STATUS[code] ?? 500, code, id: exception.id, message: exception.message };
    }
    if (exception instanceof StoreUnavailable) {
      this.logger.warn(`store unavailable: ${exception.message}`);
      return { status: 503, code: 14, id: 'GRANTLINE-Unavailable', message: 'The service is temporarily unavailable; retry shortly' };
    }
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      const path = request.url.split('?')[0] ?? '';
      if (this.routes.allowsOtherMethod(request.method, path)) {
        return { status: 405, code: 12, id: 'GRANTLINE-NoMethod', message: 'Method Not Allowed' };
      }
      return { status: 404, code: 5, id: 'GRANTLINE-NoRoute', message: 'Not Found' };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { status: 500, code: 13, id: 'GRANTLINE-Internal', message: 'An internal error occurred' };
  }
}
