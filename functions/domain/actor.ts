/** Who acts on a case: an authenticated caller, or Loket itself (a workflow step). */
export type Actor =
  | { readonly kind: 'user'; readonly subject: string; readonly tenant: string; readonly roles: readonly string[] }
  | { readonly kind: 'system'; readonly component: string };

export function systemActor(component: string): Actor {
  return { kind: 'system', component };
}

export function actorName(actor: Actor): string {
  return actor.kind === 'user' ? actor.subject : `system:${actor.component}`;
}

/** An authenticated caller: a person or system acting for one tenant, with the roles its token grants. */
export type Caller = Extract<Actor, { kind: 'user' }>;
