import { Code, ConnectError } from '@connectrpc/connect';
import { Logger } from '@nestjs/common';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { DomainError } from '../../kernel/domain-error';
import { StoreUnavailable } from '../../kernel/event-store.port';
import { GRPC_CODE } from '../zitadel/wire';

const logger = new Logger('ZitadelRpc');

/**
 * The gRPC, gRPC-Web and Connect wire shape of a ZITADEL error, as ZITADEL sends it: the status
 * code of the error kind, message `"<message> (<id>)"`, and a `zitadel.v1.ErrorDetail {id,
 * message}` in the status details. The counterpart of ZitadelErrorFilter for the REST wire:
 * unknown failures are logged and answered without their text.
 */
export function rpcError(exception: unknown): ConnectError {
  if (exception instanceof DomainError) return zitadelError(GRPC_CODE[exception.kind], exception.id, exception.message);
  if (exception instanceof StoreUnavailable) {
    logger.warn(`store unavailable: ${exception.message}`);
    return zitadelError(Code.Unavailable, 'GRANTLINE-Unavailable', 'The service is temporarily unavailable; retry shortly');
  }
  if (exception instanceof ConnectError) return exception;
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return zitadelError(Code.Internal, 'GRANTLINE-Internal', 'An internal error occurred');
}

/** An RPC of the ZITADEL API that Grantline does not serve (yet). */
export function notYet(): ConnectError {
  return zitadelError(Code.Unimplemented, 'GRANTLINE-NotYet', 'This feature is not supported yet');
}

function zitadelError(code: number, id: string, message: string): ConnectError {
  return new ConnectError(`${message} (${id})`, code as Code, undefined, [{ desc: ErrorDetailSchema, value: { id, message } }]);
}
