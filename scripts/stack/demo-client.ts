import { call } from '@social-bridge/stack'

/** A tiny JSON client of the gateway for the demo: bearer auth; an error answer is thrown with its code. */
export function createGatewayClient(base: string, token: string) {
  return {
    async call<T>(
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      opts: { json?: unknown; headers?: Record<string, string>; file?: { path: string; type: string } } = {},
    ) {
      const res = await call<T>(method, `${base}${path}`, { ...opts, token })
      if (res.status >= 400) {
        const err = (res.body as { error?: { code: string; message: string } } | undefined)?.error
        throw new Error(`${method} ${path} → ${res.status} ${err?.code ?? ''}: ${err?.message ?? ''}`)
      }
      return res
    },
  }
}
