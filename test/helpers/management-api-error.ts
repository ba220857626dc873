import { expect } from 'vitest';
import { ManagementApiError } from '../../src/errors/index.js';

/** The `ManagementApiError` that `promise` rejects with; the test fails if it resolves or rejects with anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<ManagementApiError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ManagementApiError);
  return error as ManagementApiError;
}
