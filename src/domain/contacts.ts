// Key Adults must be named, trained people (domain rule 4). A generic role inbox — office@,
// admin@, enquiries@ — is a known cause of lost notifications, so it is refused at the door.
const GENERIC_LOCAL_PARTS = new Set([
  'office', 'admin', 'administration', 'enquiries', 'enquiry', 'info', 'information', 'reception', 'contact',
  'contactus', 'mail', 'post', 'general', 'school', 'head', 'headteacher', 'headoffice', 'secretary',
  'schooloffice', 'admissions', 'finance', 'hello', 'noreply', 'no-reply', 'safeguarding', 'dsl',
  'team', 'staff', 'support', 'frontoffice', 'main', 'inbox', 'welcome', 'postmaster', 'webmaster',
])

export function isGenericRoleAddress(email: string): boolean {
  const local = email.split('@')[0]!.toLowerCase().replace(/[._+-]?\d+$/, '')
  const squashed = local.replace(/[._-]/g, '')
  return GENERIC_LOCAL_PARTS.has(local) || GENERIC_LOCAL_PARTS.has(squashed)
}
