/** Typed errors for models that do not fit their config, bad configs, and bad render arguments. */

export type ModelErrorDetails =
  | 'bad-config' // a config field is missing, of the wrong type or out of range
  | 'missing-param' // a parameter the config calls for is absent
  | 'bad-shape' // a parameter's shape or data length differs from what the config implies
  | 'bad-argument'; // a render/forward argument (size, frame time, buffer) is invalid

export class ModelError extends Error {
  readonly type = 'model';
  readonly fatal = true;
  constructor(
    readonly details: ModelErrorDetails,
    /** What was wrong: a config path (`encoding.level_resolutions[3]`), a parameter name, or an argument name. */
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'ModelError';
  }
}
