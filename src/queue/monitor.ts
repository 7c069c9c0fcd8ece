// Never suspend silently (domain rule 11). For each force: has its feed gone quiet for longer than
// its quiet period, are any notifications past their deadline without having been sent, have
// children waited in its review queue (no setting found) for longer than HELD_ALERT_MINUTES, and
// have any of its jobs given up after failing again and again (queue/job-failures.ts)?
// Each condition raises one alert per episode — an error log line, a metric, and an e-mail to the
// force's Encompass desk — and clears itself when the condition ends.
import type { Services } from '../services.js'
import { tryAdvisoryXactLock, withTransaction } from '../store/db.js'
import { clearForceAlert, forceFeedStates, raiseForceAlert, type ForceFeedState } from '../store/force-alerts-store.js'
import { jobFailureStates, type ForceJobFailures } from '../store/job-failures-store.js'

const MONITOR_LOCK = 7_316_642_004
/** A child held this long for review (no setting found, nobody has placed it yet) alerts the desk. */
export const HELD_ALERT_MINUTES = 15
/** A force's jobs-failed episode lasts while a job has given up within this many minutes, or a child whose match failed still waits. */
export const JOB_FAILURE_EPISODE_MINUTES = 60
type AlertKind = 'feed-quiet' | 'delivery-overdue' | 'children-held' | 'jobs-failed'
const SUBJECTS: Record<AlertKind, string> = {
  'feed-quiet': 'incident feed has gone quiet',
  'delivery-overdue': 'notifications overdue',
  'children-held': 'children waiting for a setting in the review queue',
  'jobs-failed': 'jobs failed again and again and gave up; children may not have been placed or told',
}

type ForceState = ForceFeedState

export interface MonitorReport {
  raised: { force: string; kind: string }[]
  cleared: { force: string; kind: string }[]
}

/** The jobs-failed condition of one force: counts only, never a child. */
function jobsFailed(f: ForceJobFailures | undefined): { kind: 'jobs-failed'; on: boolean; detail: string } {
  const g = f?.gaveUp ?? { match: 0, notify: 0, escalate: 0 }
  const waiting = f?.matchFailedWaiting ?? 0
  const gaveUp = g.match + g.notify + g.escalate
  return {
    kind: 'jobs-failed',
    on: gaveUp > 0 || waiting > 0,
    detail:
      `${gaveUp} job(s) gave up after failing again and again in the last ${JOB_FAILURE_EPISODE_MINUTES} minutes ` +
      `(matching ${g.match}, sending ${g.notify}, escalation ${g.escalate}); ${waiting} child(ren) whose match failed wait in the review queue ` +
      'at /v1/incidents?match=unmatched for an officer to place by hand; each send that failed comes to this desk on its own',
  }
}

export async function checkFeeds(services: Services): Promise<MonitorReport> {
  const { db, clock, logger, metrics, mailer, config } = services
  const now = clock.now()
  const report: MonitorReport = { raised: [], cleared: [] }
  const states = await withTransaction(db, async (client) => {
    if (!(await tryAdvisoryXactLock(client, MONITOR_LOCK))) return null
    const rows = await forceFeedStates(client, now, HELD_ALERT_MINUTES)
    const failing = await jobFailureStates(client, now, JOB_FAILURE_EPISODE_MINUTES)
    const transitions: { force: ForceState; kind: AlertKind; raise: boolean; detail: string }[] = []
    for (const f of rows) {
      const quietFor = f.last_received ? (now.getTime() - f.last_received.getTime()) / 1000 : 0
      metrics.feedQuietSeconds.set({ force: f.code }, Math.max(0, quietFor))
      metrics.overdueUnsent.set({ force: f.code }, f.overdue)
      metrics.childrenHeld.set({ force: f.code }, f.held)
      const quiet = f.last_received !== null && quietFor > f.quiet_period_minutes * 60
      const conditions = [
        { kind: 'feed-quiet' as const, on: quiet, detail: `no incident received for ${Math.round(quietFor / 60)} minutes (quiet period ${f.quiet_period_minutes})` },
        { kind: 'delivery-overdue' as const, on: f.overdue > 0, detail: `${f.overdue} notification(s) past their deadline and not sent` },
        // Raised while any child has waited long; cleared when the queue is empty again.
        {
          kind: 'children-held' as const,
          on: f.held_long > 0 || (f.held > 0 && f.held_alert_open),
          detail: `${f.held} child(ren) waiting in the review queue with no setting found; their schools have not been told. Place them at /v1/incidents?match=unmatched`,
        },
        jobsFailed(failing.get(f.code)),
      ]
      for (const c of conditions) {
        if (c.on) {
          if (await raiseForceAlert(client, f.code, c.kind, now, c.detail)) transitions.push({ force: f, kind: c.kind, raise: true, detail: c.detail })
        } else if (await clearForceAlert(client, f.code, c.kind, now)) {
          transitions.push({ force: f, kind: c.kind, raise: false, detail: c.detail })
        }
      }
    }
    return transitions
  })
  for (const tr of states ?? []) {
    const entry = { force: tr.force.code, kind: tr.kind }
    if (!tr.raise) {
      report.cleared.push(entry)
      logger.info({ ...entry }, 'alert cleared')
      continue
    }
    report.raised.push(entry)
    metrics.alerts.inc({ kind: tr.kind })
    logger.error({ ...entry, detail: tr.detail }, 'ALERT: Operation Encompass feed needs attention')
    if (tr.force.desk_email) {
      const text = `${tr.detail}.\n\nPlease check the force's incident feed and the notification service. Schools may not be being told.\n${config.PUBLIC_BASE_URL}/readyz`
      await mailer
        .send({
          messageId: `<alert-${tr.kind}-${tr.force.code}-${now.getTime()}@encompass-notify>`,
          from: config.MAIL_FROM,
          to: [tr.force.desk_email],
          subject: `Operation Encompass ALERT (${tr.force.code}): ${SUBJECTS[tr.kind]}`,
          text,
          html: `<p>${tr.detail}.</p><p>Please check the force's incident feed and the notification service. Schools may not be being told.</p>`,
          template: { kind: 'alert', language: 'en', lines: text.split('\n'), link: `${config.PUBLIC_BASE_URL}/readyz` },
        })
        .catch((err: Error) => logger.error({ ...entry, err: err.message }, 'could not e-mail the alert'))
    }
  }
  return report
}
