// What each JSON route answers on success, in one place: /docs shows these shapes and the
// serializer (fastify-type-provider-zod) sends exactly them. A response schema strips any field it
// does not name, so a field the handler adds and this module omits never leaves the service: add
// it here first. The public contract (docs/api.md) pins the fields marked there; the rest say what
// the service also gives. Timestamps are Dates in the handlers and RFC 3339 UTC strings on the wire.
// Where a domain or store type describes a body, the schema `satisfies` it: a field added to the
// type and not here fails the typecheck instead of vanishing from the response.
import { z } from 'zod'
import { BOARD_GROUP_BYS, type BoardRow } from '../domain/board-report.js'
import { CHILD_ROLES } from '../domain/force-wording.js'
import { GROUP_BYS, type LatencyRow } from '../domain/latency.js'
import { SETTING_TYPES } from '../domain/setting-ids.js'
import type { AuditRow } from '../store/audit-store.js'
import type { Force } from '../store/forces-store.js'
import type { AcceptedIncident } from '../store/incidents-store.js'
import type { DirectoryAlert, LaServiceContact } from '../store/la-contacts-store.js'
import type { NotificationView } from '../store/notifications-store.js'
import type { School } from '../store/schools-store.js'

// ---------------------------------------------------------------------------------------------
// Building blocks

/** An instant: a Date in the handler, `2026-11-20T22:14:00.000Z` in JSON. */
const instant = z.date().describe('RFC 3339 timestamp, UTC')
const maybeInstant = instant.nullable()
/** A calendar date, YYYY-MM-DD (Postgres `date` columns are read as text). */
const localDate = z.string().describe('YYYY-MM-DD')
const id = z.string().describe('uuid')
/** Statuses as the outside sees them ('sending' is internal and reads as 'scheduled'). */
const notificationStatus = z.string().describe("'scheduled' | 'sent' | 'acknowledged' | 'escalated' | 'failed'")
const jsonObject = z.record(z.string(), z.unknown()).describe('JSON object')

/** What the police said of an incident, with when it reached the service. */
const incidentFacts = {
  policeAwareAt: instant,
  occurredAt: maybeInstant,
  incidentType: z.string(),
  riskLevel: z.string().nullable(),
  summary: z.string().nullable(),
  receivedAt: instant,
}
/** A child as the police gave it; the details are null once removed at the end of the retention period. */
const childDetails = {
  givenName: z.string().nullable(),
  familyName: z.string().nullable(),
  dateOfBirth: localDate.nullable(),
  present: z.boolean(),
}

// ---------------------------------------------------------------------------------------------
// Operations

export const healthSchema = z.object({ status: z.literal('ok') })
export const readinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  postgres: z.enum(['ok', 'unavailable']),
  redis: z.enum(['ok', 'unavailable']),
})

// ---------------------------------------------------------------------------------------------
// Incidents

export const acceptedIncidentSchema = z.object({
  id,
  reference: z.string(),
  status: z.literal('accepted'),
  children: z.array(z.object({ id })),
}) satisfies z.ZodType<AcceptedIncident>

const incidentNotificationSchema = z.object({
  id,
  urn: z.string().describe('the setting told'),
  status: notificationStatus,
  dueBy: instant,
  schoolDay: localDate,
  sentAt: maybeInstant,
  acknowledgedAt: maybeInstant,
})

export const incidentViewSchema = z.object({
  id,
  reference: z.string(),
  force: z.string(),
  status: z.enum(['accepted', 'withdrawn']).describe("'withdrawn' once the police have withdrawn it (POST /v1/incidents/{id}/withdraw)"),
  withdrawnAt: maybeInstant,
  withdrawnReason: z.string().nullable(),
  revision: z.number().int().describe('how many times the police have corrected the incident (PATCH /v1/incidents/{id})'),
  correctedAt: maybeInstant,
  ...incidentFacts,
  children: z.array(
    z.object({
      id,
      ...childDetails,
      role: z.enum(CHILD_ROLES).nullable().describe('the child’s role as the police recorded it; null: not given'),
      match: z.object({
        status: z.string().describe("'matched' | 'unmatched' | 'no-setting' | 'pending'"),
        urn: z.string().nullable(),
        method: z.string().nullable().describe("'urn' | 'name-postcode' | 'pupil-roll' | 'manual' | 'no-setting-given' (the police said the child is in no setting)"),
        reason: z.string().nullable(),
        matchedAt: maybeInstant,
      }),
      notification: incidentNotificationSchema.nullable().describe('null until one exists; a child with several settings: the first'),
      /** One per setting placed so far, in the order the settings were given (issue 14.2). */
      notifications: z.array(incidentNotificationSchema),
    }),
  ),
})

const candidateSchema = z.object({
  urn: z.string(),
  name: z.string().nullable(),
  postcode: z.string().nullable(),
  laCode: z.string().nullable(),
  open: z.boolean().nullable(),
  score: z.number(),
  method: z.string(),
})

export const reviewQueueSchema = z.object({
  match: z.literal('unmatched'),
  items: z.array(
    z.object({
      incidentId: id,
      reference: z.string(),
      force: z.string(),
      policeAwareAt: instant,
      receivedAt: instant,
      heldAt: maybeInstant,
      waitingSeconds: z.number().int(),
      child: z.object({ id, ...childDetails }),
      given: z.object({ urn: z.string().nullable(), name: z.string().nullable(), postcode: z.string().nullable() }),
      match: z.object({
        status: z.literal('unmatched'),
        urn: z.string().nullable(),
        reason: z.string().nullable(),
        confidence: z.number().nullable(),
        error: z.string().nullable(),
      }),
      candidates: z.array(candidateSchema),
    }),
  ),
})

/** A follow-up child (POST /v1/incidents/{id}/children). */
export const addedChildSchema = z.object({ id, incidentId: id, status: z.literal('accepted') })

export const placedChildSchema = z.object({
  incidentId: id,
  childId: id,
  match: z.object({
    status: z.enum(['matched', 'no-setting']),
    urn: z.string().nullable(),
    method: z.literal('manual'),
    matchedAt: instant,
  }),
  notification: z.object({ id, status: z.literal('scheduled'), dueBy: instant }),
})

// ---------------------------------------------------------------------------------------------
// The directory: settings, forces, LA contacts, pupil rolls, alerts

export const schoolSchema = z.object({
  urn: z.string(),
  name: z.string(),
  laCode: z.string().nullable(),
  laName: z.string().nullable(),
  phase: z.string().nullable(),
  type: z.enum(SETTING_TYPES),
  establishmentType: z.string().nullable(),
  status: z.string().nullable(),
  open: z.boolean(),
  postcode: z.string().nullable(),
  town: z.string().nullable(),
  dayStartsAt: z.string().nullable().describe('HH:MM, Europe/London; null: the default'),
  firstLanguage: z.enum(['cy', 'en']).nullable()
    .describe('The language the setting’s e-mails and pages put first: cy, Welsh then English; en, English first (then Welsh in a Welsh LA). Null: the default, Welsh first in a Welsh LA (660–681), English only elsewhere'),
  contacts: z.array(
    z.object({
      role: z.enum(['dsl', 'deputy']), name: z.string(), email: z.string(), phone: z.string().nullable().optional(),
      trainedOn: z.string().nullable().optional().describe('YYYY-MM-DD: when the person last completed safeguarding training; null: not recorded'),
    }),
  ),
}) satisfies z.ZodType<School>

export const deadlineSchema = z.object({
  urn: z.string(),
  policeAwareAt: instant,
  dueBy: instant,
  schoolDay: localDate,
})

export const forceSchema = z.object({
  code: z.string(),
  name: z.string().nullable(),
  ageMin: z.number().int(),
  ageMax: z.number().int(),
  contentProfile: z.enum(['minimal', 'full']),
  copyDeputies: z.boolean(),
  deskEmail: z.string().nullable(),
  /** The desk's telephone, and the wording Key Adults are given (domain/force-wording.ts). */
  deskPhone: z.string().nullable(),
  guidance: z.array(z.string()).nullable().describe('the force’s guidance lines; null: the service’s defaults'),
  keyAdultMaySpeakToFamily: z.boolean().nullable().describe('null: the force has not said (the e-mail says not to)'),
  deliveryNotBefore: z.string().nullable(),
  deliveryNotAfter: z.string().nullable(),
  escalationLeadMinutes: z.number().int(),
  quietPeriodMinutes: z.number().int(),
}) satisfies z.ZodType<Force>

/** An LA's children's services or health visiting contact (PUT/GET /v1/local-authorities/{laCode}/…). */
export const laServiceContactSchema = z.object({
  laCode: z.string(),
  laName: z.string().nullable(),
  urn: z.string(),
  name: z.string(),
  contacts: z.array(
    z.object({ role: z.enum(['lead', 'deputy']), name: z.string(), email: z.string(), phone: z.string().nullable().optional() }),
  ),
  updatedAt: instant,
}) satisfies z.ZodType<LaServiceContact>
export const childrensServicesSchema = laServiceContactSchema

export const rollImportSchema = z.object({
  laCode: z.string(),
  pupils: z.number().int(),
  noSetting: z.number().int(),
  importedAt: instant,
  unknownUrns: z.array(z.string()).describe('URNs on the roll that the directory does not hold (the first 100)'),
})

const directoryAlertSchema = z.object({
  id: z.string(),
  kind: z.enum(['setting-closed', 'no-key-adult', 'no-la-contact']),
  urn: z.string().nullable(),
  laCode: z.string().nullable(),
  settingName: z.string().nullable(),
  raisedAt: instant,
  lastHeldAt: instant,
  childrenHeld: z.number().int(),
  clearedAt: maybeInstant,
}) satisfies z.ZodType<DirectoryAlert>
export const directoryAlertsSchema = z.object({ items: z.array(directoryAlertSchema) })

// ---------------------------------------------------------------------------------------------
// Notifications (Key Adults)

export const notificationSchema = z.object({
  id,
  status: notificationStatus,
  urn: z.string(),
  schoolName: z.string(),
  incidentId: id,
  childId: id,
  reference: z.string(),
  forceCode: z.string(),
  policeAwareAt: instant,
  receivedAt: instant,
  matchedAt: instant,
  dueBy: instant,
  schoolDay: localDate,
  sentAt: maybeInstant,
  acknowledgedAt: maybeInstant,
  acknowledgedBy: z.string().nullable(),
  deputiesNotifiedAt: maybeInstant,
  deskAlertedAt: maybeInstant,
  reminderDueAt: maybeInstant,
  reminderSentAt: maybeInstant,
  failedAt: maybeInstant,
  child: z.object(childDetails),
  incident: z.object({
    incidentType: z.string(),
    occurredAt: maybeInstant,
    summary: z.string().nullable().describe('null unless the force shares the circumstances (content profile full)'),
  }),
}) satisfies z.ZodType<NotificationView>

export const notificationListSchema = z.object({ items: z.array(notificationSchema) })
export const acknowledgedSchema = z.object({ acknowledgedAt: instant })

// ---------------------------------------------------------------------------------------------
// Audit and governance

const auditEventSchema = z.object({
  id: z.number().int(),
  at: instant,
  actor: z.string(),
  actorRole: z.string().nullable(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  reason: z.string().nullable(),
  detail: jsonObject,
})

const auditRowSchema = auditEventSchema.extend({ hash: z.string().nullable().describe('null until the row is sealed into the chain') }) satisfies z.ZodType<AuditRow>
export const auditPageSchema = z.object({
  items: z.array(auditRowSchema),
  nextAfterId: z.number().int().nullable(),
})

/** Everything held about one child (UK GDPR Article 15): each record with every field held. */
export const subjectAccessAnswerSchema = z.object({
  generatedAt: z.string().describe('RFC 3339 timestamp, UTC'),
  children: z.array(
    z.object({
      id,
      incidentId: id,
      ...childDetails,
      givenSchoolUrn: z.string().nullable(),
      givenSchoolName: z.string().nullable(),
      givenSchoolPostcode: z.string().nullable(),
      matchStatus: z.string(),
      matchMethod: z.string().nullable(),
      matchUrn: z.string().nullable(),
      matchReason: z.string().nullable(),
      matchedAt: maybeInstant,
      heldAt: maybeInstant,
    }),
  ),
  incidents: z.array(
    z.object({
      id,
      forceCode: z.string(),
      reference: z.string(),
      ...incidentFacts,
    }),
  ),
  notifications: z.array(
    z.object({
      id,
      childId: id,
      incidentId: id,
      forceCode: z.string(),
      urn: z.string(),
      laCode: z.string().nullable(),
      status: notificationStatus,
      policeAwareAt: instant,
      receivedAt: instant,
      matchedAt: instant,
      dueBy: instant,
      schoolDay: localDate,
      sendAfter: maybeInstant,
      messageId: z.string().nullable(),
      recipients: z.array(z.string()),
      attempts: z.number().int(),
      sentAt: maybeInstant,
      acknowledgedAt: maybeInstant,
      acknowledgedBy: z.string().nullable(),
      deputiesNotifiedAt: maybeInstant,
      deskAlertedAt: maybeInstant,
      failedAt: maybeInstant,
    }),
  ),
  deliveries: z.array(
    z.object({
      id: z.number().int(),
      notificationId: id,
      kind: z.string(),
      at: instant,
      recipients: z.array(z.string()).nullable(),
      detail: z.string().nullable(),
    }),
  ),
  acknowledgements: z.array(z.object({ notificationId: id, at: instant, by: z.string().nullable() })),
  auditEvents: z.array(auditEventSchema),
  pupilRoll: z.array(
    z.object({
      laCode: z.string(),
      urn: z.string().nullable(),
      givenName: z.string(),
      familyName: z.string(),
      dateOfBirth: localDate,
    }),
  ),
})

export type SubjectAccessAnswer = z.output<typeof subjectAccessAnswerSchema>

export const erasureSchema = z.object({ id, erased: z.literal(true) })

// ---------------------------------------------------------------------------------------------
// Reports (boards): counts and durations only

const seconds = z.number().nullable().describe('seconds; null when no notification in the group reached both ends')
const percentiles4 = z.object({ p50: seconds, p90: seconds, p95: seconds, max: seconds })
const percentiles2 = z.object({ p50: seconds, p90: seconds })

export const latencyRowSchema = z.object({
  key: z.string().nullable(),
  notifications: z.number().int(),
  sent: z.number().int(),
  acknowledged: z.number().int(),
  onTime: z.number().int(),
  onTimeRate: z.number(),
  policeToSentSeconds: percentiles4,
  policeToAcknowledgedSeconds: percentiles4,
  stages: z.object({ policeToReceived: percentiles2, receivedToSent: percentiles2, sentToAcknowledged: percentiles2 }),
}) satisfies z.ZodType<LatencyRow>

export const latencyReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BYS),
  overall: latencyRowSchema,
  rows: z.array(latencyRowSchema),
})

/** A count from 1 to 4, or one that would let such a count be worked out, is null. */
const count = z.number().int().nullable()
const counts = z.record(z.string(), count)
const boardRowSchema = z.object({
  key: z.string().nullable(),
  childrenNotified: count,
  notified2Plus: count,
  notified3Plus: count,
  ageBands: counts,
  settingTypes: counts,
  incidentTypes: counts,
  riskLevels: counts,
  knownOutOfSchoolHours: count,
  knownOutOfSchoolHoursShare: z.number().nullable(),
  sent: count,
  onTime: count,
  onTimeRate: z.number().nullable().describe('onTime / childrenNotified: the share known to their setting before the next school day'),
  children: count.describe('children told, each once whatever their settings (childrenNotified counts a notification per setting)'),
  childrenOnTime: count.describe('children told on time at every one of their settings'),
  childrenOnTimeRate: z.number().nullable().describe('childrenOnTime / children'),
  policeToSentSeconds: z.object({ p50: z.number().nullable(), p90: z.number().nullable() }),
  acknowledged: count,
  acknowledgementRate: z.number().nullable(),
  sentToAcknowledgedSeconds: z.object({ p50: z.number().nullable(), p90: z.number().nullable() }),
  escalated: count,
  escalationReasons: counts,
  deliveryFailures: count,
  placedByOfficer: count,
  reviewQueueSeconds: z.object({ p50: z.number().nullable(), p90: z.number().nullable() }),
  childrenUnplaced: count,
  toChildrensServices: count.describe('children in no setting told through the LA’s children’s services'),
  toHealthVisiting: count.describe('children in no setting (under 5) told through the LA’s health visiting'),
}) satisfies z.ZodType<BoardRow>

export const boardReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(BOARD_GROUP_BYS),
  repeatCounts: z.boolean().describe('false: no REPORT_PSEUDONYM_KEY, so children notified again cannot be counted'),
  overall: boardRowSchema,
  rows: z.array(boardRowSchema),
})

/** A JSON body, or the same rows as CSV with Accept: text/csv. */
export const jsonOrCsv = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } },
})
