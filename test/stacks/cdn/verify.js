// docs/frameworks.md "Plain HTML or a CDN", block 2: the listener, a module of its own.
// verify.js
const verify = document.querySelector('prove-verify');
function done(e) {
  console.log(e.detail.result); // confirm with your backend before trusting it
}
verify.addEventListener('prove-verify-success', done);
verify.addEventListener('prove-verify-failure', done);
