// Key Adults must be named, trained people (domain rule 4). A generic role inbox — office@,
// admin@, enquiries@ — is a known cause of lost notifications, so it is refused at the door, as
// is an LA team's shared inbox (the MASH, the front door, the duty desk) for children's services.
const GENERIC_WORDS = new Set([
  'office', 'admin', 'administration', 'administrator', 'enquiries', 'enquiry', 'info', 'information', 'reception',
  'contact', 'contactus', 'contacts', 'mail', 'email', 'post', 'general', 'school', 'schools', 'head', 'headteacher',
  'headoffice', 'secretary', 'schooloffice', 'admissions', 'finance', 'hello', 'noreply', 'donotreply', 'safeguarding',
  'dsl', 'dsls', 'team', 'staff', 'support', 'frontoffice', 'main', 'inbox', 'welcome', 'postmaster', 'webmaster',
  'bursar', 'clerk', 'governors', 'attendance', 'pastoral', 'senco', 'sendco',
  // LA children's services teams
  'mash', 'frontdoor', 'duty', 'dutyteam', 'referrals', 'referral', 'childrensservices', 'childrenservices',
  'socialcare', 'csc', 'helpdesk', 'contactcentre', 'customerservices', 'ehe', 'education', 'earlyhelp',
])

/**
 * True for an address that names a role or a team rather than a person: its local part (any
 * +tag left out), or its first word, is a role word — office@, office1@, office+oe@,
 * office.stmarys@, admin-office@, mash.team@. jo.bloggs@ and a.head@ are people.
 */
export function isGenericRoleAddress(email: string): boolean {
  const local = email.split('@')[0]!.toLowerCase().replace(/\+.*$/, '')
  const words = local.split(/[._-]+/).map((w) => w.replace(/\d+$/, '')).filter(Boolean)
  if (words.length === 0) return true
  const squashed = words.join('')
  return GENERIC_WORDS.has(squashed) || GENERIC_WORDS.has(words[0]!)
}
