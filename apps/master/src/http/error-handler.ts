import type { ErrorBody, FieldIssue } from '@loadtest/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { httpStatusOf } from './domain-errors.js';
import { HttpError } from './errors.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `/requests/2/method` → `requests[2].method` */
function readablePath(instancePath: string): string {
  return instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .reduce((out, segment) => (/^\d+$/.test(segment) ? `${out}[${segment}]` : out === '' ? segment : `${out}.${segment}`), '');
}

function body(statusCode: number, message: string, issues?: FieldIssue[]): ErrorBody {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

/**
 * Every error leaves the API as `{ statusCode, error, message, issues? }`.
 * Invalid input names each offending field; unexpected errors are logged and
 * answered with a 500 that reveals nothing internal.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      const issues = error.validation.map((v) => ({ path: readablePath(v.instancePath), message: v.message ?? 'invalid' }));
      const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return reply.status(400).send(body(400, `invalid ${where}: ${list}`, issues));
    }
    if (error instanceof HttpError) {
      return reply.status(error.statusCode).send(body(error.statusCode, error.message, error.issues));
    }
    const domain = httpStatusOf(error);
    if (domain) return reply.status(domain.statusCode).send(body(domain.statusCode, error.message, domain.issues));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send(body(status, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(body(500, 'internal error; the server log has the details'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body(404, `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
