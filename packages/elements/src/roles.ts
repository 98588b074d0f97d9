/**
 * The `roles` claim of a JWT, read without verifying it (README "The API": `roles`); [] when the
 * token is not a JWT. Only for deciding what to show: the gateway checks the signature and roles.
 */
export function rolesOf(jwt: string): string[] {
  try {
    const payload = jwt.split('.')[1] ?? ''
    const json = atob(
      payload
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(payload.length / 4) * 4, '='),
    )
    const roles = (JSON.parse(json) as { roles?: unknown }).roles
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}
