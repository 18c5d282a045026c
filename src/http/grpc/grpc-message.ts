import type { OutgoingHttpHeaders } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

type Http2Handler = (request: Http2ServerRequest, response: Http2ServerResponse) => void;

/**
 * Connect percent-encodes `grpc-message` like a URI component (`:` → `%3A`); the gRPC spec encodes
 * only bytes outside printable ASCII, and `%`. grpc-js (under @zitadel/node) decodes with
 * `decodeURI`, which leaves `%3A`, `%2C`, `%3B` as they are, so messages are re-encoded as the spec
 * (and ZITADEL's Go server) writes them.
 */
export function withSpecGrpcMessage(handler: Http2Handler): Http2Handler {
  return (request, response) => {
    const addTrailers = response.addTrailers.bind(response);
    response.addTrailers = (trailers: OutgoingHttpHeaders) => {
      const message = trailers['grpc-message'];
      addTrailers(typeof message === 'string' ? { ...trailers, 'grpc-message': grpcMessage(decodeURIComponent(message)) } : trailers);
    };
    handler(request, response);
  };
}

/** The gRPC spec's Percent-Encoded form of a status message. */
export function grpcMessage(message: string): string {
  let encoded = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    encoded += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
