// Sign-in for the boards' dashboard: paste the auditor token the administrator issued.
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export function loginPage(error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in: Operation Encompass dashboard</title>
<style>body{font-family:Arial,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#0b0c0c}
label{display:block;font-weight:bold;margin:1rem 0 .3rem}input{width:100%;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;background:#00703c;color:#fff;border:0}
.error{border-left:5px solid #d4351c;padding:.5rem 1rem;color:#d4351c}</style></head><body>
<h1>Operation Encompass dashboard</h1>
<p>For safeguarding boards and administrators. Figures only: no child is named here.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/dashboard/login">
<label for="token">Your access token</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
</form></body></html>`
}
