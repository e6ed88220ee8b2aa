/**
 * Every error the server sends is JSON `{type, details, fatal, message}` (the shape of ContainerError and
 * MediaError): `type` is the family, `details` a stable code a client can switch on, `fatal` whether repeating the
 * same request can never succeed.
 */

export type HttpErrorDetails =
  | 'bad-id' // a video id that is not of the server's id form
  | 'bad-path' // a file name or path segment outside the fixed names the routes serve (traversal, absolute paths)
  | 'outside-data-dir' // the path resolves (through a symlink) outside the data directory
  | 'unknown-video' // a well-formed id with no video behind it
  | 'not-found' // no such route or file
  | 'not-ready' // the video exists but is not encoded far enough for this resource
  | 'bad-option' // a query option is malformed or out of bounds
  | 'too-large' // the upload exceeds the size limit
  | 'truncated' // the client stopped sending before the body was complete
  | 'not-video' // the upload is not a video file the server can read
  | 'bad-lirn' // an uploaded .lirn file is malformed
  | 'range-not-satisfiable'
  | 'precondition-failed'
  | 'internal';

export class HttpError extends Error {
  readonly type = 'http';
  constructor(
    readonly status: number,
    readonly details: HttpErrorDetails,
    message: string,
    readonly fatal = status >= 400 && status < 500 && status !== 409 && status !== 429,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toJSON(): { type: string; details: HttpErrorDetails; fatal: boolean; message: string } {
    return { type: this.type, details: this.details, fatal: this.fatal, message: this.message };
  }
}

export const notFound = (message: string) => new HttpError(404, 'not-found', message);
export const badOption = (message: string) => new HttpError(400, 'bad-option', message);
