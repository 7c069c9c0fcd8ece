// The pages' words in their languages (src/i18n/page-text.ts, dates.ts): one language shows the
// text as it always was; two mark each part with its lang, first language first; Welsh dates read
// as Welsh public services write them; the catalogue's English matches the domain's labels.
import t from 'tap'
import { CHILD_ROLE_LABELS, CHILD_ROLES } from '../../src/domain/force-wording.js'
import { PERSON_ROLE_LABEL, PERSON_ROLES } from '../../src/domain/people.js'
import { dateTimeIn, onDayIn, plainDateIn, timeIn } from '../../src/i18n/dates.js'
import { messageHtml, PageText } from '../../src/i18n/page-text.js'
import { t as tr, type MessageKey } from '../../src/i18n/translate.js'

t.test('one language: the escaped text alone; two: a span per language, first language first', async (t) => {
  t.equal(new PageText(['en']).both('page.acknowledge.button'), 'Acknowledge')
  t.equal(new PageText(['cy', 'en']).both('page.acknowledge.button'), '<span lang="cy">Cydnabod</span> / <span lang="en">Acknowledge</span>')
  t.equal(new PageText(['en', 'cy']).both('page.acknowledge.button'), '<span lang="en">Acknowledge</span> / <span lang="cy">Cydnabod</span>')
  t.equal(new PageText(['cy', 'en']).say('page.list.title'), 'Hysbysiadau / Notifications', 'plain text for a title')
  t.equal(new PageText(['en']).both('page.list.reference', { reference: '<b>' }), 'Police reference &lt;b&gt;', 'values escaped')
})

t.test('errors: English alone as formErrors makes them; two languages carry both, "Error" read in the first', async (t) => {
  t.same(new PageText(['en']).errors([{ field: 'email', key: 'page.signIn.emailEmpty' }]), {
    summary: [{ text: 'Enter your e-mail address', href: '#email' }], byField: { email: { text: 'Enter your e-mail address' } },
  })
  const two = new PageText(['cy', 'en']).errors([{ field: 'email', key: 'page.signIn.emailEmpty' }])
  t.equal(two.byField.email!.html, '<span lang="cy">Rhowch eich cyfeiriad e-bost</span><br><span lang="en">Enter your e-mail address</span>')
  t.equal(two.byField.email!.visuallyHiddenText, 'Gwall')
})

t.test('a tag becomes the element named, its id kept in English and marked in Welsh', async (t) => {
  const tags = { phoneLink: ['a', { class: 'govuk-link', href: 'tel:01633', id: 'desk-phone' }] as [string, Record<string, string>] }
  const values = { force: 'Gwent', reference: 'R1', phone: '01633', email: '', hasPhone: 'yes', hasEmail: 'no', hasBoth: 'no' }
  t.equal(messageHtml('en', 'page.facts.desk', values, tags), 'Gwent Encompass desk: telephone <a class="govuk-link" href="tel:01633" id="desk-phone">01633</a>. Quote the police reference R1.')
  t.match(messageHtml('cy', 'page.facts.desk', values, tags), /ffoniwch <a class="govuk-link" href="tel:01633" id="desk-phone-cy">01633<\/a>/)
  t.throws(() => messageHtml('en', 'page.facts.desk', values, { phone: ['a'] }), /has the name of a value/)
})

t.test('Welsh dates: "8:30yb ddydd Llun 23 Tachwedd 2026", canol dydd, hanner nos', async (t) => {
  t.equal(plainDateIn('cy', '2026-11-23'), 'Dydd Llun 23 Tachwedd 2026')
  t.equal(onDayIn('cy', '2026-11-23'), 'ddydd Llun 23 Tachwedd 2026')
  t.equal(onDayIn('en', '2026-11-23'), 'Monday 23 November 2026')
  t.equal(dateTimeIn('cy', new Date('2026-11-23T08:30:00Z')), '8:30yb ddydd Llun 23 Tachwedd 2026')
  t.equal(dateTimeIn('en', new Date('2026-11-23T08:30:00Z')), '8:30am on Monday 23 November 2026')
  t.equal(timeIn('cy', new Date('2026-07-01T16:05:00Z')), '5:05yh', 'London summer time')
  t.equal(timeIn('cy', new Date('2026-11-23T12:00:00Z')), 'canol dydd')
  t.equal(timeIn('cy', new Date('2026-11-23T00:00:00Z')), 'hanner nos')
})

t.test("the catalogue's English is the domain's labels, word for word", async (t) => {
  for (const role of CHILD_ROLES) t.equal(tr('en', `page.fact.childRole.${role}` as MessageKey), CHILD_ROLE_LABELS[role], role)
  for (const role of PERSON_ROLES) t.equal(tr('en', `page.role.${role}` as MessageKey), PERSON_ROLE_LABEL[role], role)
})
