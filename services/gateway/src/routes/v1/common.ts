import { ErrorResponse } from '@social-bridge/contracts'
import type { Role } from '../../plugins/app/authenticate.js'

/** Roles that may read and publish (ARCHITECTURE.md role table). */
export const READERS: Role[] = ['admin', 'social_marketing']
/** Roles that may refresh and disconnect. */
export const ADMINS: Role[] = ['admin']

/** Error answers every authenticated route documents. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  429: ErrorResponse,
  503: ErrorResponse,
}

export const bearerSecurity = [{ bearerAuth: [] }]
