// The message catalogues (src/i18n): every key in both languages, every message valid ICU, every
// count message with each of its language's plural categories, and the formatter in use.
import t from 'tap'
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'
import { DEFAULT_GUIDANCE, deskContactLine, familyLine } from '../../src/domain/force-wording.js'
import { CATALOGUES, t as tr, tHtml } from '../../src/i18n/translate.js'
import { deskLine } from '../../src/i18n/wording.js'
import { cy } from '../../src/i18n/messages/cy.js'
import { en } from '../../src/i18n/messages/en.js'

const LOCALE = { en: 'en-GB', cy: 'cy-GB' } as const

t.test('every key is in both catalogues', async (t) => {
  t.same(Object.keys(cy).sort(), Object.keys(en).sort())
})

/** The plural elements of a message, however deeply nested. */
function plurals(elements: MessageFormatElement[]): { options: string[] }[] {
  return elements.flatMap((e) => {
    if (e.type === TYPE.plural) return [{ options: Object.keys(e.options) }, ...Object.values(e.options).flatMap((o) => plurals(o.value))]
    if (e.type === TYPE.select) return Object.values(e.options).flatMap((o) => plurals(o.value))
    if (e.type === TYPE.tag) return plurals(e.children)
    return []
  })
}

/** The names of the values a message reads. */
function argumentsOf(elements: MessageFormatElement[]): string[] {
  return elements.flatMap((e) => {
    if (e.type === TYPE.literal || e.type === TYPE.pound) return []
    if (e.type === TYPE.tag) return argumentsOf(e.children)
    if (e.type === TYPE.plural || e.type === TYPE.select) return [e.value, ...Object.values(e.options).flatMap((o) => argumentsOf(o.value))]
    return [e.value]
  })
}

t.test('every message parses, names the same values in both languages, and has no ASCII apostrophe', async (t) => {
  for (const [lang, catalogue] of Object.entries(CATALOGUES) as ['en' | 'cy', Record<string, string>][]) {
    for (const [key, message] of Object.entries(catalogue)) {
      let parsed: MessageFormatElement[] = []
      t.doesNotThrow(() => { parsed = parse(message) }, `${lang} ${key} parses`)
      t.notMatch(message, /'/, `${lang} ${key}: ’ not '`)
      const categories = new Intl.PluralRules(LOCALE[lang]).resolvedOptions().pluralCategories
      for (const p of plurals(parsed)) {
        for (const c of categories) t.ok(p.options.includes(c), `${lang} ${key} has the plural category ${c}`)
      }
    }
  }
  const names = (m: string) => [...new Set(argumentsOf(parse(m)))].sort()
  for (const key of Object.keys(en) as (keyof typeof en)[]) t.same(names(cy[key]), names(en[key]), `${key}: the same values`)
})

t.test('messages are formatted with their values and the language’s plural rules', async (t) => {
  t.equal(tr('en', 'mail.fact.settingValue', { name: 'Ysgol Y Wern', urn: '401234' }), 'Ysgol Y Wern (URN 401234)')
  t.equal(tr('cy', 'mail.fact.presentValue', { present: 'yes' }), 'oedd')
  t.equal(tr('cy', 'mail.fact.presentValue', { present: 'no' }), 'nac oedd')
})

t.test('tHtml escapes values and puts links where the message says', async (t) => {
  const out = tHtml('en', 'mail.desk.phone', { phone: '<b>1</b>' })
  t.equal(out, 'To contact the police Encompass desk: telephone &lt;b&gt;1&lt;/b&gt;.')
})

t.test("the English catalogue's guidance is the domain's, word for word", async (t) => {
  t.same([tr('en', 'guidance.default.1'), tr('en', 'guidance.default.2'), tr('en', 'guidance.default.3')], [...DEFAULT_GUIDANCE])
  t.equal(tr('en', 'guidance.familyMay'), familyLine({ keyAdultMaySpeakToFamily: true }))
  t.equal(tr('en', 'guidance.familyNot'), familyLine({ keyAdultMaySpeakToFamily: null }))
  for (const w of [{ deskPhone: '01632 960 123', deskEmail: null }, { deskPhone: null, deskEmail: 'd@x.example' }, { deskPhone: '01632 960 123', deskEmail: 'd@x.example' }, { deskPhone: null, deskEmail: null }]) {
    t.equal(deskLine('en', w), deskContactLine(w))
  }
})

t.test('the notifications count in each plural category', async (t) => {
  t.equal(tr('en', 'pages.notifications.count', { count: 0 }), 'No notifications')
  t.equal(tr('en', 'pages.notifications.count', { count: 1 }), '1 notification')
  t.equal(tr('en', 'pages.notifications.count', { count: 3 }), '3 notifications')
  const cy = (count: number) => tr('cy', 'pages.notifications.count', { count })
  t.same([0, 1, 2, 3, 6, 7].map(cy), ['Dim hysbysiadau', '1 hysbysiad', '2 hysbysiad', '3 hysbysiad', '6 hysbysiad', '7 hysbysiad'])
})
