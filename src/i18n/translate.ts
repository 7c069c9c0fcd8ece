// Messages in a language: `t('cy', 'mail.fact.child')`. The catalogues (messages/en.ts, cy.ts) hold
// ICU messages, formatted by FormatJS's IntlMessageFormat with the language's own plural rules
// (Welsh: zero, one, two, few, many, other). A formatter is built once per language and key:
// building one parses the message, using it does not.
import { IntlMessageFormat } from 'intl-messageformat'
import type { Language } from '../domain/languages.js'
import { cy } from './messages/cy.js'
import { en, type MessageKey } from './messages/en.js'

export type { MessageKey }
export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>

export const CATALOGUES: Record<Language, Record<MessageKey, string>> = { en, cy }
const LOCALES: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB' }

const formatters = new Map<string, IntlMessageFormat>()

function formatter(lang: Language, key: MessageKey): IntlMessageFormat {
  const id = `${lang}:${key}`
  let f = formatters.get(id)
  if (!f) {
    f = new IntlMessageFormat(CATALOGUES[lang][key], LOCALES[lang])
    formatters.set(id, f)
  }
  return f
}

/** The message `key` in `lang`, with its values filled in: plain text. */
export function t(lang: Language, key: MessageKey, values?: MessageValues): string {
  return String(formatter(lang, key).format(values as Record<string, string | number | boolean | Date | null | undefined>))
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

/**
 * The message as HTML: its text and values escaped, and its tags (`<phone>…</phone>`) replaced by
 * what `tags` makes of their (escaped) contents. For a link inside a sentence, so the translator
 * keeps the sentence whole and the link where their language puts it.
 */
export function tHtml(lang: Language, key: MessageKey, values: MessageValues = {}, tags: Record<string, (inner: string) => string> = {}): string {
  const escaped: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(values)) escaped[k] = typeof v === 'string' ? escapeHtml(v) : v
  for (const [k, f] of Object.entries(tags)) escaped[k] = (chunks: string[]) => f(chunks.join(''))
  // The message's own words are escaped too: tags are the only markup a message may carry.
  const message = CATALOGUES[lang][key].replace(/[&"]/g, (ch) => (ch === '&' ? '&amp;' : '&quot;'))
  const out = new IntlMessageFormat(message, LOCALES[lang]).format(escaped as Record<string, string>)
  return Array.isArray(out) ? out.join('') : String(out)
}

// The same moments in each language: "Mon, 23 Nov 2026, 08:30" and "Llun, 23 Tach 2026, 08:30".
const shortMoment: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }),
}

/** A moment as an e-mail shows it, in London time. */
export const formatShortMoment = (lang: Language, d: Date) => shortMoment[lang].format(d)
