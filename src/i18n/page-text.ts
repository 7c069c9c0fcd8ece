// The pages' words in a setting's languages (issue 14.6). A page for one language shows its words as
// they always were. A page for two shows each piece of text in both, the first language first,
// each in an element with its own `lang` so a screen reader changes voice: a sentence as two
// paragraphs, a label or a button as two spans ("Cydnabod / Acknowledge"). The layout and chrome
// stay English (`<html lang="en-GB">`); the parts in Welsh say so.
//
// Templates reach this through Nunjucks globals (registerPageText): the page's context carries
// `languages` (['en'] when it does not say). `both(key)` is the text in every language;
// `tr(lang, key)` one language's text; `trh(lang, key, values, tags)` HTML whose tags the template
// fills (`{ link: ['a', { href: '/x', class: 'govuk-link' }] }`); `langAttr(lang)` the attribute
// on a part (none on a one-language page); `idIn(id, lang)` keeps an id unique when a part repeats
// (the English part keeps the id; the Welsh part's gets "-cy").
import type nunjucks from 'nunjucks'
import type { Language } from '../domain/languages.js'
import { dateIn, dateTimeIn, onDayIn, plainDateIn, timeIn } from './dates.js'
import { t, tHtml, type MessageKey, type MessageValues } from './translate.js'

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

/** A tag in a message and the element it becomes: ['a', { href, class, id }]. */
export type TagSpec = [element: string, attributes?: Record<string, string | null | undefined>]

/** An id as it is in this language's part: the English part keeps it; another's gets "-<lang>". */
export const idIn = (id: string, lang: Language) => (lang === 'en' ? id : `${id}-${lang}`)

function element(lang: Language, [name, attrs = {}]: TagSpec, inner: string): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(k === 'id' ? idIn(String(v), lang) : String(v))}"`)
    .join('')
  return `<${name}${a}>${inner}</${name}>`
}

/** The message as HTML in one language, its tags made into the elements `tags` names. */
export function messageHtml(lang: Language, key: MessageKey, values: MessageValues = {}, tags: Record<string, TagSpec> = {}): string {
  const fns: Record<string, (inner: string) => string> = {}
  for (const [name, spec] of Object.entries(tags)) {
    // A tag and a value of the same name would meet in one table: the tag would win, silently.
    if (name in values) throw new Error(`message ${key}: tag <${name}> has the name of a value`)
    fns[name] = (inner) => element(lang, spec, inner)
  }
  return tHtml(lang, key, values, fns)
}

/** HTML in every language, first language first: the text alone, or one `<span lang>` per language joined by `separator`. */
export function inAll(languages: readonly Language[], html: (lang: Language) => string, separator = ' / '): string {
  if (languages.length === 1) return html(languages[0]!)
  return languages.map((lang) => `<span lang="${lang}">${html(lang)}</span>`).join(separator)
}

/** The words of a page in its languages: what routes use to build summary rows, titles and errors. */
export class PageText {
  constructor(readonly languages: readonly Language[]) {}
  get bilingual(): boolean {
    return this.languages.length > 1
  }
  /** Plain text in every language joined by " / " (a page title, an option): no markup possible. */
  say(key: MessageKey, values?: MessageValues): string {
    return this.languages.map((lang) => t(lang, key, values)).join(' / ')
  }
  /** HTML: the message in every language, each part marked with its language when there are two. */
  both(key: MessageKey, values?: MessageValues, separator = ' / '): string {
    return inAll(this.languages, (lang) => escapeHtml(t(lang, key, values)), separator)
  }
  /** HTML from a value per language (a date, a message chosen per language). */
  each(text: (lang: Language) => string, separator = ' / '): string {
    return inAll(this.languages, (lang) => escapeHtml(text(lang)), separator)
  }
  /**
   * The GOV.UK error pattern (forms.ts formErrors) in these languages: each message in every
   * language, and "Error:" read out before a field's message in the first language.
   */
  errors(problems: { field: string; key: MessageKey; values?: MessageValues }[]) {
    const one = this.languages.length === 1 && this.languages[0] === 'en'
    const byField: Record<string, { text: string; html?: string; visuallyHiddenText?: string }> = {}
    const summary = problems.map((p) => {
      const text = this.say(p.key, p.values)
      const item = one ? { text } : { text, html: this.both(p.key, p.values, '<br>') }
      byField[p.field] ??= one ? item : { ...item, visuallyHiddenText: t(this.languages[0]!, 'page.errorPrefix') }
      return { ...item, href: `#${p.field}` }
    })
    return { summary, byField }
  }
}

interface TemplateThis {
  ctx: { languages?: readonly Language[] }
}
const languagesOf = (self: TemplateThis): readonly Language[] => self.ctx.languages ?? ['en']

/** The globals above, for the pages' Nunjucks environment (http/render.ts). */
export function registerPageText(env: nunjucks.Environment, markSafe: (html: string) => unknown): void {
  env.addGlobal('tr', (lang: Language, key: MessageKey, values?: MessageValues) => t(lang, key, values))
  env.addGlobal('trh', (lang: Language, key: MessageKey, values?: MessageValues, tags?: Record<string, TagSpec>) => markSafe(messageHtml(lang, key, values, tags)))
  env.addGlobal('both', function (this: TemplateThis, key: MessageKey, values?: MessageValues, separator?: string) {
    return markSafe(new PageText(languagesOf(this)).both(key, values, separator))
  })
  env.addGlobal('say', function (this: TemplateThis, key: MessageKey, values?: MessageValues) {
    return new PageText(languagesOf(this)).say(key, values)
  })
  env.addGlobal('langAttr', function (this: TemplateThis, lang: Language) {
    return markSafe(languagesOf(this).length > 1 ? ` lang="${lang}"` : '')
  })
  env.addGlobal('idIn', idIn)
  env.addGlobal('dateTimeIn', dateTimeIn)
  env.addGlobal('dateIn', dateIn)
  env.addGlobal('timeIn', timeIn)
  env.addGlobal('plainDateIn', plainDateIn)
  env.addGlobal('onDayIn', onDayIn)
}
