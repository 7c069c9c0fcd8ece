// Which of its LA's contacts a child with no setting goes to (issue 14.3). An LA sets two:
// children's services, and health visiting for the youngest. A child under 5 on the date the
// police became aware (London) goes to health visiting, or to children's services when the LA has
// no health visiting contact; a child of 5 or more (or whose age is not known) goes to children's
// services. With no contact that fits, the child is held ('no-la-contact') and administrators are
// alerted. Pure: values in, a decision out; the match flow and an officer's assignment both use it.
import { ageOn } from './incident.js'
import { londonDateOf } from './london-time.js'

export const LA_SERVICES = ['childrens-services', 'health-visiting'] as const
export type LaService = (typeof LA_SERVICES)[number]

/** Under this age on the day the police knew, health visiting is the LA's first contact. */
export const HEALTH_VISITING_UNDER = 5

export type LaRoute =
  | { kind: 'contact'; service: LaService; reason: string }
  | { kind: 'none' }

/**
 * Where a child with no setting is told. `configured`: the LA's contacts that exist and name a
 * lead (a contact with nobody to e-mail is as good as none). The reason is what the child's match
 * records: 'la-health-visiting:<la>' or 'la-childrens-services:<la>'.
 */
export function routeNoSetting(
  child: { dateOfBirth: string | null; policeAwareAt: Date },
  laCode: string,
  configured: ReadonlySet<LaService>,
): LaRoute {
  const young = child.dateOfBirth !== null && ageOn(child.dateOfBirth, londonDateOf(child.policeAwareAt)) < HEALTH_VISITING_UNDER
  const order: LaService[] = young ? ['health-visiting', 'childrens-services'] : ['childrens-services']
  const service = order.find((s) => configured.has(s))
  return service ? { kind: 'contact', service, reason: laRouteReason(service, laCode) } : { kind: 'none' }
}

/** The match reason recorded for a child placed with an LA's contact. */
export function laRouteReason(service: LaService, laCode: string): string {
  return `${service === 'health-visiting' ? 'la-health-visiting' : 'la-childrens-services'}:${laCode}`
}
