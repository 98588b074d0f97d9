/**
 * Graph addresses objects of every kind at one path, `/{id}` (an account, a container, a media, a
 * comment…), so the emulator has one `GET|POST|DELETE /:id` route (index.ts) and each module
 * registers a handler for the ids it owns. Edges (`/{id}/media`, `/{id}/insights`…) are ordinary
 * routes of the module that owns them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

/** A handler of one method on an object: sends the answer (or throws a GraphApiError). */
export type IgNodeMethod = (
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
) => Promise<FastifyReply> | FastifyReply

/** A module's objects at `/{id}`. */
export interface IgNodeHandler {
  /** Name for messages, e.g. `account`, `container`, `media`, `comment`. */
  kind: string
  /** True when `id` is one of this module's objects. */
  owns(id: string): boolean
  get?: IgNodeMethod
  post?: IgNodeMethod
  delete?: IgNodeMethod
}

/** The registry of object handlers, consulted in registration order. */
export interface IgNodes {
  register(handler: IgNodeHandler): void
  /** The handler owning `id`, if any. */
  owner(id: string): IgNodeHandler | undefined
}

export function createNodes(): IgNodes {
  const handlers: IgNodeHandler[] = []
  return {
    register: (h) => {
      handlers.push(h)
    },
    owner: (id) => handlers.find((h) => h.owns(id)),
  }
}
