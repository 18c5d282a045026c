import { grpcMessage } from './grpc-message';

describe('grpc-message encoding (gRPC over HTTP/2 spec: Percent-Encoded)', () => {
  it('keeps printable ASCII, punctuation included', () => {
    expect(grpcMessage("invalid A.b: value length must be between 1 and 200 runes, inclusive; isn't it (X-1)")).toBe(
      "invalid A.b: value length must be between 1 and 200 runes, inclusive; isn't it (X-1)",
    );
  });

  it('encodes %, control characters and every byte of non-ASCII characters', () => {
    expect(grpcMessage('100% Zürich\n')).toBe('100%25 Z%C3%BCrich%0A');
  });

  it('round-trips through decodeURIComponent and, for this alphabet, through grpc-js\'s decodeURI', () => {
    const message = 'Organisation doesn\'t exist: Zürich, 100%; (AUTH-Bs7Ds)';
    expect(decodeURIComponent(grpcMessage(message))).toBe(message);
    expect(decodeURI(grpcMessage(message))).toBe(message);
  });
});
