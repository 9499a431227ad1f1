import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from './errors.js';

/**
 * Requests Node's parser refuses before any handler runs (a timeout, a malformed request line,
 * headers over 16 KB) get what Node's own default would send, as `{code, message}` like every
 * other refusal, then the socket closes.
 */
const ANSWERS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request took too long to arrive'],
  HPE_HEADER_OVERFLOW: [431, 'the request headers are too large'],
};

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Only when no answer has begun on this socket: a second status line would corrupt the stream.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const [status, message] = ANSWERS[error.code ?? ''] ?? [400, 'the request is not valid HTTP'];
    const body = JSON.stringify({ code: ErrorCode.MALFORMED_REQUEST, message });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
