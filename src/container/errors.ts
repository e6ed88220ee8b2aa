/** Typed errors for untrusted bytes, in the hls.js manner: a type, a details code, fatal or not, and where. */

export type ContainerErrorDetails =
  | 'truncated' // fewer bytes remain than a field or box needs
  | 'bad-size' // a box size or length field is inconsistent with its container
  | 'bad-value' // a field holds a value the specification forbids
  | 'limit-exceeded' // a count or size is beyond what the decoder accepts
  | 'wrong-order' // a required box is missing or out of order
  | 'unsupported'; // a version or feature this decoder does not implement

export class ContainerError extends Error {
  readonly type = 'container';
  readonly fatal = true;
  constructor(
    readonly details: ContainerErrorDetails,
    /** Path of the box being parsed, e.g. `moov/trak/mdia/minf/stbl/stsd/lirn/lirC`. */
    readonly box: string,
    /** Absolute byte offset in the input where the problem was found. */
    readonly offset: number,
    message: string,
  ) {
    super(`${box || '(file)'} @ byte ${offset}: ${message}`);
    this.name = 'ContainerError';
  }
}
