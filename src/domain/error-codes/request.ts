import { defineErrors } from '../errors';

/** The request itself, before any feature looks at it. */
export const requestErrors = defineErrors('request', {
  invalid: { status: 422, when: 'the body, query or form does not match what the operation takes (a refusal by the framework itself, such as a body in another content type than the route takes, keeps its own 4xx status)' },
  malformed_json: { status: 400, when: 'the body is not valid JSON' },
  not_found: { status: 404, when: 'no route for that method and path' },
  too_large: { status: 413, when: 'body over 256 KiB (JSON) or 10 MiB (ICS uploads)' },
  unsupported_media_type: { status: 415, when: 'a body in a media type the route does not take' },
});

/** Codes without an area. */
export const generalErrors = defineErrors('', {
  rate_limited: { status: 429, when: "the key's, session's or client address's budget is spent; `Retry-After` says when to try again" },
  internal: { status: 500, when: 'a bug: the answer carries a `requestId` that finds it in the logs; no stack trace ever leaves the service' },
});
