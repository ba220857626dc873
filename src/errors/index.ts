export {
  ForcePasswordResetError,
  isForcePasswordResetError,
  type ForcePasswordResetErrorCode,
} from './force-password-reset-error.js';
export { OptionsError, type OptionsIssue } from './options-error.js';
export { SecretsError } from './secrets-error.js';
export {
  ManagementApiError,
  type ManagementApiFailure,
  type ManagementApiStep,
  type UnreachableHost,
} from './management-api-error.js';
export { InvalidEventError } from './invalid-event-error.js';
