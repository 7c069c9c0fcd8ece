// The page a Key Adult sees after clicking the acknowledgement link: plain, friendly, no details
// of the child (the link may have been forwarded).
const london = (d: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'full', timeStyle: 'short' }).format(d)

export function ackPage(state: { kind: 'done' | 'again'; at: Date } | { kind: 'invalid' | 'refused' }): string {
  const body =
    state.kind === 'done'
      ? `<h1>Thank you</h1><p>You have acknowledged this Operation Encompass notification at ${london(state.at)}.</p>
         <p>The police and your safeguarding partnership can now see that the school has been told.</p>`
      : state.kind === 'again'
        ? `<h1>Already acknowledged</h1><p>This notification was acknowledged at ${london(state.at)}. Nothing more is needed.</p>`
        : state.kind === 'refused'
          ? `<h1>Cannot acknowledge</h1><p>This notification could not be delivered and has been passed to the police Encompass desk. They will telephone the school.</p>`
          : `<h1>Link not recognised</h1><p>This acknowledgement link is not valid. Please use the link in the most recent e-mail, or contact your local authority's education safeguarding team.</p>`
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Operation Encompass acknowledgement</title>
<style>body{font-family:Arial,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#0b0c0c}h1{font-size:1.6rem}</style>
</head><body>${body}</body></html>`
}
