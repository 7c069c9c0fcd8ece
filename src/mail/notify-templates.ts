// Which GOV.UK Notify template each message goes out on (issue 14.7): one per kind of message and
// first language, set per deployment in NOTIFY_TEMPLATE_IDS. The words stay ours (templates.ts,
// welsh.ts, sign-in-mail.ts): each template in Notify is a thin shell that places ((subject)),
// ((body)) and ((link)) (README, "Sending through GOV.UK Notify"). A kind without a Welsh template
// goes out on its English one, still with the Welsh words first in its body. Pure.
import { z } from 'zod'
import type { Language } from '../domain/languages.js'

/**
 * Every message the service sends: the Key Adults' four, the follow-ups (withdrawal, correction),
 * the sign-in link, a force's feed alert.
 */
export const MESSAGE_KINDS = ['notification', 'deputies', 'reminder', 'desk', 'withdrawal', 'correction', 'sign-in', 'alert'] as const
export type MessageKind = (typeof MESSAGE_KINDS)[number]

const perLanguage = z.strictObject({ en: z.uuid('must be a Notify template id (a UUID)'), cy: z.uuid('must be a Notify template id (a UUID)').optional() })

export const notifyTemplateIdsSchema = z.strictObject({
  notification: perLanguage,
  deputies: perLanguage,
  reminder: perLanguage,
  desk: perLanguage,
  // The follow-ups may have templates of their own; without, they go out on the notification's.
  withdrawal: perLanguage.optional(),
  correction: perLanguage.optional(),
  'sign-in': perLanguage,
  alert: perLanguage,
})

export type NotifyTemplateIds = z.infer<typeof notifyTemplateIdsSchema>

/** NOTIFY_TEMPLATE_IDS as the environment gives it: a JSON object, kind → { en, cy? }. */
export const notifyTemplateIdsSetting = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object: {"notification":{"en":"<template id>","cy":"<template id>"}, ...}' })
      return z.NEVER
    }
  })
  .pipe(notifyTemplateIdsSchema)

export function templateIdFor(ids: NotifyTemplateIds, kind: MessageKind, language: Language): string {
  const t = ids[kind] ?? ids.notification
  return language === 'cy' ? (t.cy ?? t.en) : t.en
}

/** Kinds that reach settings in Wales (bilingual, Welsh first) and have no Welsh template. */
export function kindsWithoutWelsh(ids: NotifyTemplateIds): MessageKind[] {
  return (['notification', 'deputies', 'reminder', 'desk'] as const).filter((k) => !ids[k].cy)
}
