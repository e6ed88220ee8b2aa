/** Video ids: 16 random base64url characters (96 bits), so ids are unguessable, URL-safe and safe as folder names. */
import { randomBytes } from 'node:crypto';
import { HttpError } from '../errors.js';

const ID_FORM = /^[A-Za-z0-9_-]{16}$/;

export function newVideoId(): string {
  return randomBytes(12).toString('base64url');
}

export function isVideoId(text: string): boolean {
  return ID_FORM.test(text);
}

/** The id itself, or a 400 naming what was wrong (the text is quoted, cut to 40 characters). */
export function checkVideoId(text: string): string {
  if (isVideoId(text)) return text;
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  throw new HttpError(400, 'bad-id', `video id ${shown} is not 16 characters of [A-Za-z0-9_-]`);
}
