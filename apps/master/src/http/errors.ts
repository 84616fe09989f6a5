import type { FieldIssue } from '@loadtest/protocol';

/** An error that maps to an HTTP status with a message meant for the API's user. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string, id: string) => new HttpError(404, `${what} ${id} not found`);
export const conflict = (message: string) => new HttpError(409, message);
export const badRequest = (message: string, issues?: FieldIssue[]) => new HttpError(400, message, issues);
export const unavailable = (message: string) => new HttpError(503, message);
export const gatewayTimeout = (message: string) => new HttpError(504, message);
