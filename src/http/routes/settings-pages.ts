// The LA administrator's pages: /settings searches the directory (name, URN, postcode, LA);
// /settings/{urn} shows a setting, its Key Adults with forms to add, change and remove them, and
// which of the coming weeks' days are school days, and which language its e-mails and pages put
// first (POST /settings/{urn}/language); /settings/{urn}/term-dates takes a term-dates
// file (ICS or JSON, uploaded or pasted) for the setting or its whole LA; /settings/key-adults/upload
// takes a CSV of Key Adults for many settings at once (all or nothing); /settings/la/{code}/contact
// sets the LA's children's services and health visiting contacts; /delivery-failures lists failed notifications and
// refused addresses (setting, date, reason: never a child). Every change goes through the flow
// the API uses (flows/edit-key-adults.ts as PATCH /v1/schools/{urn}, flows/childrens-services.ts
// as PUT .../childrens-services and .../health-visiting) and is audited. Who may use them, and for which LAs, is asked of
// ../directory-access.ts only.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { keyAdultSchema, laContactSchema, type ContactProblem, type KeyAdultChanges } from '../../domain/contacts.js'
import { KEY_ADULT_CSV_TEMPLATE, parseKeyAdultCsv } from '../../domain/key-adult-csv.js'
import { isWelshLa, languagesFor, type Language } from '../../domain/languages.js'
import { addDays, londonDateOf, weekdayOf } from '../../domain/london-time.js'
import { isPupilDay } from '../../domain/school-calendar.js'
import { normaliseSettingUrn } from '../../domain/setting-ids.js'
import { parseTermDates, type TermCalendar } from '../../domain/term-dates.js'
import { setLaContact } from '../../flows/childrens-services.js'
import { editKeyAdults, importKeyAdults } from '../../flows/edit-key-adults.js'
import type { Services } from '../../services.js'
import { calendarLabels, loadSchoolCalendar, replaceSettingTermDates, replaceTermDates, termCoverage } from '../../store/calendar-store.js'
import { clearResolvedDirectoryAlerts, getLaContacts, isLaContactUrn, isKnownLa, laNameOf, listDirectoryAlerts, type LaServiceContact } from '../../store/la-contacts-store.js'
import { getSchool, type School } from '../../store/schools-store.js'
import { laCodesOf, listDeliveryFailures, searchDirectory, setFirstLanguage } from '../../store/settings-admin-store.js'
import { auditRequest } from '../audit.js'
import { caller } from '../auth.js'
import { DIRECTORY_ROLES, keepsDirectory, keepsLa, laScopeOf } from '../directory-access.js'
import { longPlainDate } from '../format.js'
import { field, formErrors, type FieldProblem } from '../forms.js'
import { acceptUploads, readUploadForm } from '../multipart.js'
import { emptyKeyAdult, fieldsOfKeyAdult, keyAdultFieldsOf, problemsOfRules, problemsOfZod, trainedOnOf, type KeyAdultFields } from '../pages/key-adult-form.js'
import { HttpProblem, notFound } from '../problem.js'

/** How many days of a setting's calendar its page shows: this week and the three after. */
const CALENDAR_DAYS = 28
/** Uploads (a term-dates file, a CSV of Key Adults) are small text files. */
const UPLOAD_LIMIT = 4 * 1024 * 1024
/** A refused upload lists this many problems; the summary says how many there were. */
const MAX_SHOWN_PROBLEMS = 100

const ROLE_TEXT: Record<string, string> = { dsl: 'Designated safeguarding lead', deputy: 'Deputy' }
const TYPE_TEXT: Record<string, string> = { school: 'School', 'early-years': 'Early years', childminder: 'Childminder', college: 'College', other: 'Other' }

const ALERT_TEXT: Record<string, string> = {
  'no-key-adult': 'No named Key Adult',
  'setting-closed': 'The setting is closed',
  'no-la-contact': 'No contact for children with no setting',
}

const NOTICES: Record<string, string> = {
  added: 'The Key Adult was added.',
  changed: 'The Key Adult’s details were changed.',
  removed: 'The Key Adult was removed.',
  'terms-setting': 'The setting’s term dates were loaded.',
  'terms-la': 'The local authority’s term dates were loaded.',
  language: 'The language of the setting’s e-mails and pages was saved.',
}

const LANGUAGE_NAMES: Record<Language, string> = { cy: 'Welsh', en: 'English' }
/** "Welsh, then English" or "English only": what the setting's Key Adults get now. */
const languagesText = (school: School) => {
  const languages = languagesFor(school.laCode, school.firstLanguage)
  const names = languages.map((l) => LANGUAGE_NAMES[l])
  return `E-mails and pages for this setting’s Key Adults are in ${names.length === 1 ? `${names[0]} only` : names.join(', then ')}.`
}
/** The choices of first language, with what the default means for this setting's LA. */
const languageChoices = (school: School) => [
  { value: '', text: isWelshLa(school.laCode) ? 'The default: Welsh first, then English (a Welsh local authority)' : 'The default: English only', checked: school.firstLanguage === null },
  { value: 'cy', text: 'Welsh first, then English', checked: school.firstLanguage === 'cy' },
  { value: 'en', text: isWelshLa(school.laCode) ? 'English first, then Welsh' : 'English only', checked: school.firstLanguage === 'en' },
]

const query = (request: FastifyRequest, k: string, max = 200): string => {
  const v = (request.query as Record<string, unknown> | undefined)?.[k]
  return typeof v === 'string' ? v.trim().slice(0, max) : ''
}

export const settingsPageRoutes =
  (services: Services): FastifyPluginAsync =>
  async (app) => {
    const { db, clock } = services
    const config = { roles: DIRECTORY_ROLES }
    await acceptUploads(app, UPLOAD_LIMIT)
    // After authentication (auth.ts, at the root) and before anything is read: an auditor's token
    // or session passes the role check only to be an LA administrator here.
    app.addHook('onRequest', async (request) => {
      if (request.principal && !keepsDirectory(request.principal)) throw new HttpProblem(403, 'Forbidden', 'only administrators and LA administrators keep the directory')
    })

    /** The setting named in the path, if it is one this caller keeps; else a 404. */
    const keptSetting = async (request: FastifyRequest): Promise<School> => {
      const urn = normaliseSettingUrn(String((request.params as Record<string, unknown>).urn ?? ''))
      const school = urn ? await getSchool(db, urn) : null
      if (!school || isLaContactUrn(school.urn) || !keepsLa(caller(request), school.laCode)) throw notFound('setting')
      return school
    }

    // ---- Search ------------------------------------------------------------------------------

    app.get('/settings', { config, schema: { hide: true } }, async (request, reply) => {
      const search = { name: query(request, 'name'), urn: query(request, 'urn', 20), postcode: query(request, 'postcode', 10), la: query(request, 'la', 60) }
      const problems: FieldProblem[] = []
      const urn = search.urn === '' ? undefined : normaliseSettingUrn(search.urn)
      if (urn === null) problems.push({ field: 'urn', text: 'The URN must be 5 to 8 digits, or an Ofsted URN such as EY512345' })
      if (/^\d+$/.test(search.la) && !/^\d{3}$/.test(search.la)) problems.push({ field: 'la', text: 'The local authority code must be 3 digits, like 808' })
      const laCode = /^\d{3}$/.test(search.la) ? search.la : undefined
      const searched = Object.values(search).some((v) => v !== '')
      const results = searched && problems.length === 0
        ? await searchDirectory(db, { name: search.name || undefined, urn: urn ?? undefined, postcode: search.postcode || undefined, laCode, laName: laCode || search.la === '' ? undefined : search.la }, laScopeOf(caller(request)))
        : []
      const errors = problems.length > 0 ? formErrors(problems) : undefined
      // What the directory is holding children back for, for the LAs this caller keeps: counts only.
      await clearResolvedDirectoryAlerts(db, clock.now())
      const alerts = (await listDirectoryAlerts(db, { open: true }))
        .filter((a) => keepsLa(caller(request), a.laCode))
        .map((a) => ({ ...a, text: ALERT_TEXT[a.kind], href: a.kind === 'no-la-contact' ? `/settings/la/${a.laCode}/contact` : `/settings/${a.urn}`,
          name: a.kind === 'no-la-contact' ? `${(a.laCode && laNameOf(a.laCode)) ?? 'Local authority'} (${a.laCode})` : (a.settingName ?? `URN ${a.urn}`) }))
      return reply.page('settings.njk', {
        pageTitle: 'Settings',
        alerts,
        search,
        searched: searched && problems.length === 0,
        results: results.map((r) => ({ ...r, typeText: TYPE_TEXT[r.type] ?? r.type })),
        errors,
        byField: errors?.byField ?? {},
        laName: /^\d{3}$/.test(search.la) ? laNameOf(search.la) : null,
      }, problems.length > 0 ? 400 : 200)
    })

    // ---- One setting ---------------------------------------------------------------------------

    const calendarOf = async (school: School) => {
      const today = londonDateOf(clock.now())
      const monday = addDays(today, -((weekdayOf(today) + 6) % 7))
      const cal = await loadSchoolCalendar(db, school, monday, CALENDAR_DAYS + 7)
      const labels = await calendarLabels(db, school, monday, CALENDAR_DAYS)
      const weeks: { heading: string; days: { date: string; text: string; schoolDay: boolean; why: string; today: boolean }[] }[] = []
      for (let w = 0; w < CALENDAR_DAYS / 7; w++) {
        const start = addDays(monday, w * 7)
        const days = []
        for (let i = 0; i < 7; i++) {
          const date = addDays(start, i)
          const schoolDay = isPupilDay(cal, date)
          const weekend = i >= 5
          if (weekend && !schoolDay) continue
          days.push({
            date, text: longPlainDate(date), schoolDay, today: date === today,
            why: labels.get(date) ?? (schoolDay ? '' : 'Closed'),
          })
        }
        weeks.push({ heading: `Week beginning ${longPlainDate(start)}`, days })
      }
      const follows = school.type !== 'childminder'
      const covered = follows && school.laCode ? await termCoverage(db, school.laCode, monday, addDays(monday, CALENDAR_DAYS - 1)) : false
      return { weeks, follows, covered }
    }

    type KeyAdultFormState = { fields?: KeyAdultFields; problems?: FieldProblem[] }
    const showSetting = async (request: FastifyRequest, reply: FastifyReply, school: School, add: KeyAdultFormState = {}, status = 200) => {
      const errors = add.problems?.length ? formErrors(add.problems) : undefined
      const notice = NOTICES[query(request, 'done', 20)]
      return reply.page('setting.njk', {
        pageTitle: school.name,
        school: { ...school, typeText: TYPE_TEXT[school.type] ?? school.type },
        keyAdults: school.contacts.map((c, i) => ({
          ...c, n: i + 1, roleText: ROLE_TEXT[c.role] ?? c.role, trainedText: c.trainedOn ? longPlainDate(c.trainedOn) : 'Not recorded',
        })),
        add: add.fields ?? emptyKeyAdult(),
        errors,
        byField: errors?.byField ?? {},
        notice,
        calendar: await calendarOf(school),
        laName: school.laName ?? (school.laCode ? laNameOf(school.laCode) : null),
        languagesText: languagesText(school),
        languageChoices: languageChoices(school),
      }, status)
    }

    app.get('/settings/:urn', { config, schema: { hide: true } }, async (request, reply) => showSetting(request, reply, await keptSetting(request)))

    /** The person's form as a change for the flow, or the problems to show beside its fields. */
    const personOf = (f: KeyAdultFields): { problems: FieldProblem[] } | { person: { role: 'dsl' | 'deputy'; name: string; email: string; phone: string | null; trainedOn: string | null } } => {
      const trained = trainedOnOf(f)
      const parsed = keyAdultSchema.safeParse({ role: f.role, name: f.name, email: f.email, phone: f.phone.trim() || null, trainedOn: 'value' in trained ? trained.value : null })
      const problems = [...(parsed.success ? [] : problemsOfZod(parsed.error)), ...('problem' in trained ? [trained.problem] : [])]
      if (problems.length > 0 || !parsed.success) return { problems }
      return { person: { ...parsed.data, phone: parsed.data.phone ?? null, trainedOn: parsed.data.trainedOn ?? null } }
    }

    const edit = (request: FastifyRequest, school: School, changes: KeyAdultChanges) =>
      editKeyAdults(services, school.urn, changes, (client, summary) =>
        auditRequest(client, request, 'school.key-adults', 'school', school.urn, 'directory maintenance on the pages', { ...summary }))

    app.post('/settings/:urn/key-adults', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const fields = keyAdultFieldsOf(request.body)
      const person = personOf(fields)
      if ('problems' in person) return showSetting(request, reply, school, { fields, problems: person.problems }, 400)
      const result = await edit(request, school, { add: [person.person] })
      if (result.kind === 'not-found') throw notFound('setting')
      if (result.kind === 'refused') return showSetting(request, reply, school, { fields, problems: problemsOfRules(result.problems) }, 422)
      return reply.redirect(`/settings/${school.urn}?done=added#key-adults`, 303)
    })

    /** The n-th Key Adult of the setting (1-based, as the page lists them). */
    const nthKeyAdult = (request: FastifyRequest, school: School) => {
      const n = Number((request.params as Record<string, unknown>).n)
      const person = Number.isInteger(n) && n >= 1 ? school.contacts[n - 1] : undefined
      if (!person) throw notFound('Key Adult')
      return { n, person }
    }

    const showChange = (reply: FastifyReply, school: School, n: number, fields: KeyAdultFields, problems: FieldProblem[] = [], status = 200) => {
      const errors = problems.length ? formErrors(problems) : undefined
      return reply.page('key-adult-change.njk', {
        pageTitle: 'Change a Key Adult', school, n, fields, errors, byField: errors?.byField ?? {},
      }, status)
    }

    app.get('/settings/:urn/key-adults/:n', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const { n, person } = nthKeyAdult(request, school)
      return showChange(reply, school, n, fieldsOfKeyAdult(person))
    })

    app.post('/settings/:urn/key-adults/:n', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const { n, person } = nthKeyAdult(request, school)
      // The person is named by the address the form was made for, so a list changed meanwhile
      // cannot make this change land on someone else.
      const email = field(request.body, 'person').trim()
      const fields = { ...keyAdultFieldsOf(request.body), email: person.email }
      const parsed = personOf(fields)
      if ('problems' in parsed) return showChange(reply, school, n, fields, parsed.problems, 400)
      const { role, name, phone, trainedOn } = parsed.person
      const result = await edit(request, school, { update: [{ email: email || person.email, role, name, phone, trainedOn }] })
      if (result.kind === 'not-found') throw notFound('setting')
      if (result.kind === 'refused') return showChange(reply, school, n, fields, problemsOfRules(result.problems), 422)
      return reply.redirect(`/settings/${school.urn}?done=changed#key-adults`, 303)
    })

    app.post('/settings/:urn/key-adults/:n/remove', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const email = field(request.body, 'person').trim()
      const result = email === '' ? ({ kind: 'refused', problems: [] } as const) : await edit(request, school, { remove: [email] })
      if (result.kind === 'not-found') throw notFound('setting')
      // Removed meanwhile by someone else: the list as it is now says so.
      if (result.kind === 'refused') return reply.redirect(`/settings/${school.urn}#key-adults`, 303)
      return reply.redirect(`/settings/${school.urn}?done=removed#key-adults`, 303)
    })

    app.post('/settings/:urn/language', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const chosen = field(request.body, 'firstLanguage')
      const firstLanguage = chosen === 'cy' || chosen === 'en' ? chosen : null
      await setFirstLanguage(db, school.urn, firstLanguage)
      await auditRequest(db, request, 'school.language', 'school', school.urn, 'directory maintenance on the pages', { firstLanguage })
      return reply.redirect(`/settings/${school.urn}?done=language#language`, 303)
    })

    // ---- Term dates ----------------------------------------------------------------------------

    const showTerms = (reply: FastifyReply, school: School, values: { appliesTo: string; paste: string }, problems: FieldProblem[] = [], status = 200) => {
      const errors = problems.length ? formErrors(problems) : undefined
      return reply.page('term-dates.njk', {
        pageTitle: 'Upload term dates', school, values, errors, byField: errors?.byField ?? {},
        laName: school.laName ?? (school.laCode ? laNameOf(school.laCode) : null),
        problemCount: problems.length,
      }, status)
    }

    app.get('/settings/:urn/term-dates', { config, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      return showTerms(reply, school, { appliesTo: '', paste: '' })
    })

    app.post('/settings/:urn/term-dates', { config, bodyLimit: UPLOAD_LIMIT, schema: { hide: true } }, async (request, reply) => {
      const school = await keptSetting(request)
      const form = await readUploadForm(request, UPLOAD_LIMIT)
      const appliesTo = form.fields.appliesTo ?? ''
      const paste = form.fields.paste ?? ''
      const file = form.file
      const values = { appliesTo, paste }
      const problems: FieldProblem[] = []
      if (appliesTo !== 'setting' && appliesTo !== 'la') problems.push({ field: 'appliesTo', text: 'Select whether the dates are this setting’s own or its local authority’s' })
      if (appliesTo === 'la' && (!school.laCode || !keepsLa(caller(request), school.laCode))) problems.push({ field: 'appliesTo', text: 'This setting has no local authority you keep: load the dates for the setting itself' })
      const text = file?.text ?? paste
      if (form.problem) problems.push({ field: 'file', text: form.problem })
      else if (text.trim() === '') problems.push({ field: 'file', text: 'Choose a term-dates file (.ics or .json), or paste its contents' })
      let cal: TermCalendar | null = null
      if (!form.problem && text.trim() !== '') {
        // A pasted text's kind is told by its first characters; a file's by its name, as the CLI does.
        const name = file?.filename || (/^\s*[[{]/.test(text) ? 'pasted.json' : 'pasted.ics')
        try {
          cal = parseTermDates(name, text)
        } catch (err) {
          problems.push({ field: file ? 'file' : 'paste', text: (err as Error).message.replace(/^pasted\.(json|ics): /, '') })
        }
      }
      if (problems.length > 0 || cal === null) return showTerms(reply, school, values, problems, 400)
      if (appliesTo === 'la') {
        const n = await replaceTermDates(db, school.laCode!, cal)
        await auditRequest(db, request, 'calendar.terms', 'la', school.laCode, 'term dates loaded on the pages', { closures: n, from: cal.coverage[0]?.from, to: cal.coverage.at(-1)?.to })
      } else {
        const n = await replaceSettingTermDates(db, school.urn, cal)
        await auditRequest(db, request, 'school.calendar-terms', 'school', school.urn, 'term dates loaded on the pages', { ...n, from: cal.coverage[0]?.from, to: cal.coverage.at(-1)?.to })
      }
      return reply.redirect(`/settings/${school.urn}?done=terms-${appliesTo}#calendar`, 303)
    })

    // ---- Bulk Key Adults -----------------------------------------------------------------------

    const showUpload = (reply: FastifyReply, problems: { line: number; field: string; message: string }[] = [], status = 200, extra: Record<string, unknown> = {}) => {
      const summary = problems.length
        ? { summary: [{ text: `The file has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was saved`, href: '#file' }], byField: { file: { text: 'Correct the rows listed below and upload the file again' } } }
        : undefined
      return reply.page('key-adults-upload.njk', {
        pageTitle: 'Upload Key Adults', errors: summary, byField: summary?.byField ?? {},
        problems: problems.slice(0, MAX_SHOWN_PROBLEMS), problemCount: problems.length, ...extra,
      }, status)
    }

    app.get('/settings/key-adults/upload', { config, schema: { hide: true } }, async (_request, reply) => showUpload(reply))

    app.get('/settings/key-adults/template.csv', { config, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="key-adults.csv"').header('cache-control', 'no-store').send(KEY_ADULT_CSV_TEMPLATE))

    app.post('/settings/key-adults/upload', { config, bodyLimit: UPLOAD_LIMIT, schema: { hide: true } }, async (request, reply) => {
      const form = await readUploadForm(request, UPLOAD_LIMIT)
      const text = form.file?.text ?? form.fields.paste ?? ''
      if (form.problem || text.trim() === '') {
        const errors = formErrors([{ field: 'file', text: form.problem ?? 'Choose a CSV file of Key Adults, or paste its contents' }])
        return reply.page('key-adults-upload.njk', { pageTitle: 'Upload Key Adults', errors, byField: errors.byField, problems: [], problemCount: 0 }, 400)
      }
      const parsed = parseKeyAdultCsv(text)
      // An LA administrator's file may name only their own LAs' settings.
      const las = laScopeOf(caller(request)) === null ? new Map<string, string | null>() : await laCodesOf(db, [...new Set(parsed.rows.map((r) => r.urn))])
      const outOfScope = parsed.rows
        .filter((r) => las.has(r.urn) && !keepsLa(caller(request), las.get(r.urn) ?? null))
        .map((r) => ({ line: r.line, field: 'urn', message: 'is a setting of a local authority you do not keep' }))
      const result = await importKeyAdults(services, parsed.rows, (client, summary) =>
        auditRequest(client, request, 'school.key-adults-upload', 'school', null, 'Key Adults uploaded on the pages', { settings: summary.settings.length, added: summary.added, updated: summary.updated }),
      [...parsed.problems, ...outOfScope])
      if (result.kind === 'refused') return showUpload(reply, result.problems, 422)
      return showUpload(reply, [], 200, { saved: result })
    })

    // ---- LA contacts for children with no setting: children's services and health visiting ----

    /** The two forms on the page; children's services keeps the plain field names it always had. */
    const CONTACT_FORMS = [
      { service: 'childrens-services', prefix: '', label: 'children’s services', heading: 'Children’s services', button: 'Save children’s services contact',
        intro: 'Told instead of a school when a child of 5 or more has no setting, for example a child educated at home; and of a younger child when there is no health visiting contact.' },
      { service: 'health-visiting', prefix: 'hv-', label: 'health visiting', heading: 'Health visiting', button: 'Save health visiting contact',
        intro: 'Told when a child under 5 is in no nursery, pre-school or childminder.' },
    ] as const
    const CONTACT_KEYS = ['name', 'lead-name', 'lead-email', 'lead-phone', 'deputy-name', 'deputy-email', 'deputy-phone']

    const storedValues = (prefix: string, c: LaServiceContact | null): Record<string, string> => {
      const lead = c?.contacts.find((x) => x.role === 'lead')
      const deputy = c?.contacts.find((x) => x.role === 'deputy')
      const v: Record<string, string> = {
        name: c?.name ?? '',
        'lead-name': lead?.name ?? '', 'lead-email': lead?.email ?? '', 'lead-phone': lead?.phone ?? '',
        'deputy-name': deputy?.name ?? '', 'deputy-email': deputy?.email ?? '', 'deputy-phone': deputy?.phone ?? '',
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [prefix + k, x]))
    }

    const showContact = async (reply: FastifyReply, laCode: string, typed: Record<string, string>, problems: FieldProblem[] = [], status = 200, saved: string | null = null) => {
      const errors = problems.length ? formErrors(problems) : undefined
      const stored = await getLaContacts(db, laCode)
      // What was typed into the form sent; the other form shows what is stored.
      const values = Object.assign({}, ...CONTACT_FORMS.map((f) => storedValues(f.prefix, stored[f.service])), typed) as Record<string, string>
      return reply.page('la-contact.njk', {
        pageTitle: 'Contacts for children with no setting', laCode, laName: laNameOf(laCode), forms: CONTACT_FORMS, values, errors, byField: errors?.byField ?? {}, saved,
      }, status)
    }

    const laOf = (request: FastifyRequest): string => {
      const code = String((request.params as Record<string, unknown>).code ?? '')
      if (!/^\d{3}$/.test(code) || !isKnownLa(code) || !keepsLa(caller(request), code)) throw notFound('local authority')
      return code
    }

    app.get('/settings/la/:code/contact', { config, schema: { hide: true } }, async (request, reply) => {
      const laCode = laOf(request)
      const done = CONTACT_FORMS.find((f) => query(request, 'done', 10) === `saved${f.prefix ? `-${f.prefix.slice(0, -1)}` : ''}`)
      return showContact(reply, laCode, {}, [], 200, done?.label ?? null)
    })

    app.post('/settings/la/:code/contact', { config, schema: { hide: true } }, async (request, reply) => {
      const laCode = laOf(request)
      const form = CONTACT_FORMS.find((f) => f.service === field(request.body, 'service')) ?? CONTACT_FORMS[0]
      const p = form.prefix
      const values = Object.fromEntries(CONTACT_KEYS.map((k) => [p + k, field(request.body, p + k).trim()]))
      const problems: FieldProblem[] = []
      const person = (who: 'lead' | 'deputy') => {
        const parsed = laContactSchema.safeParse({ role: who, name: values[`${p}${who}-name`], email: values[`${p}${who}-email`], phone: values[`${p}${who}-phone`] || null })
        if (parsed.success) return parsed.data
        for (const x of problemsOfZod(parsed.error)) problems.push({ field: `${p}${who}-${x.field}`, text: `${who === 'lead' ? 'Lead' : 'Deputy'}: ${x.text.charAt(0).toLowerCase()}${x.text.slice(1)}` })
        return null
      }
      const lead = person('lead')
      const wantsDeputy = ['deputy-name', 'deputy-email', 'deputy-phone'].some((k) => values[p + k] !== '')
      const deputy = wantsDeputy ? person('deputy') : null
      if (values[`${p}name`] !== '' && values[`${p}name`]!.length < 2) problems.push({ field: `${p}name`, text: 'The team’s name must be at least 2 characters, or leave it blank' })
      if (problems.length > 0 || !lead) return showContact(reply, laCode, values, problems, 400)
      const contacts = [lead, ...(deputy ? [deputy] : [])]
      const result = await setLaContact(services, form.service, laCode, { name: values[`${p}name`] || null, contacts })
      if (result.kind === 'refused') {
        const asField = (x: ContactProblem) => {
          const m = /^\/contacts\/(\d+)\/(\w+)/.exec(x.path)
          const who = m ? (m[1] === '0' ? 'lead' : 'deputy') : 'lead'
          return { field: `${p}${who}-${m?.[2] ?? 'email'}`, text: `${who === 'lead' ? 'Lead' : 'Deputy'}: enter a named person’s e-mail address, not a team’s shared inbox` }
        }
        return showContact(reply, laCode, values, result.problems.map(asField), 422)
      }
      await auditRequest(db, request, result.created ? 'la-contact.create' : 'la-contact.replace', 'la', laCode, 'directory maintenance on the pages', { service: form.service, contacts: contacts.length })
      return reply.redirect(`/settings/la/${laCode}/contact?done=saved${p ? `-${p.slice(0, -1)}` : ''}`, 303)
    })

    // ---- Delivery failures -------------------------------------------------------------------

    app.get('/delivery-failures', { config, schema: { hide: true } }, async (request, reply) => {
      const failures = await listDeliveryFailures(db, laScopeOf(caller(request)))
      return reply.page('delivery-failures.njk', { pageTitle: 'Delivery failures', failures })
    })
  }
