// With JavaScript, an upload's page refreshes its status region in place every two seconds until
// the work ends, then shows the whole outcome. Without it, "Check progress" does the same.
const region = document.getElementById('upload-status')
if (region && region.dataset.finished === 'false') {
  const tick = async () => {
    try {
      const res = await fetch(window.location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').getElementById('upload-status')
      if (next && next.dataset.finished === 'true') return window.location.reload()
      if (next) region.innerHTML = next.innerHTML
    } catch {
      // A failed check is tried again at the next tick.
    }
    setTimeout(tick, 2000)
  }
  setTimeout(tick, 2000)
}
