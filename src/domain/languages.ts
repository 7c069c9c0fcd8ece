// Which languages a setting is written to (issue 14.6): settings in the Welsh local authorities
// (DfE LA codes 660–681) get Welsh and English, Welsh first; every other setting English only.
// Pure.

export type Language = 'cy' | 'en'

/** True for a DfE LA code of a Welsh local authority (660–681). */
export function isWelshLa(laCode: string | null | undefined): boolean {
  if (!laCode || !/^[0-9]{3}$/.test(laCode)) return false
  const n = Number(laCode)
  return n >= 660 && n <= 681
}

/** The languages of a setting's e-mails and pages, in the order they are shown. */
export function languagesFor(laCode: string | null | undefined): Language[] {
  return isWelshLa(laCode) ? ['cy', 'en'] : ['en']
}

/** The Content-Language header of a message or page in these languages: "cy, en" or "en". */
export const contentLanguage = (languages: readonly Language[]) => languages.join(', ')
