/**
 * The Instant Link landing page's script (served as a file: the page allows no inline script).
 *
 * Nothing here states a result: only the page where the flow started asks the backend for it.
 * When Prove's redirect carries `asc` and `authId`, the flow was started on this very phone (the
 * SDK said isMobile), so Prove's SDK must finish it here; the package's landing entry does that
 * and tells the starting tab through a BroadcastChannel. Without them the person started on
 * another device, and this page only has to send them back there.
 */
const TEXT = {
  finishing: 'Finishing…',
  finished: 'Done. Go back to the tab where you started; it shows the result.',
  elsewhere: 'Go back to the device where you started; it shows the result.',
  failed: 'This link could not be finished here. Go back to where you started and try again.',
};

const status = document.getElementById('link-status');

/** @param {string} text */
function say(text) {
  if (status) status.textContent = text;
}

async function run() {
  const params = new URLSearchParams(location.search);
  if (!params.has('asc') || !params.has('authId')) {
    say(TEXT.elsewhere);
    return;
  }
  say(TEXT.finishing);
  try {
    // Loaded only when there is a flow to finish: a link opened on another device needs no SDK.
    const { finishInstantLink } = await import('/cdn/instant-link.js');
    const outcome = await finishInstantLink(location.href);
    if (outcome === 'finished') say(TEXT.finished);
    else if (outcome === 'not-started-here') say(TEXT.elsewhere);
    else say(TEXT.failed);
  } catch (error) {
    // A bad or replayed asc, or the CDN build missing: the person still learns what to do.
    console.error('The Instant Link could not be finished:', error instanceof Error ? error.message : error);
    say(TEXT.failed);
  }
}

void run();
