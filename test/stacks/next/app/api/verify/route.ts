// docs/server.md "Next.js route handlers", block 2
import { prove } from '../../../lib/prove';

// The same file serves app/api/verify-status/ and app/api/webhook/: prove.handle reads the path.
// Every method, so that a GET is answered 405 with Allow: POST (Next's own 405 has no Allow).
const handle = (request: Request) => prove.handle(request);
export {
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as POST,
  handle as PUT,
  handle as DELETE,
  handle as PATCH,
};
